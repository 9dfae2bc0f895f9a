// An ESME written with jsmpp (org.jsmpp:jsmpp from Maven Central), a peer we did not write, for the
// interoperability tests of smsgate's SMPP server. Run as a single-file program:
//   java -cp '<jsmpp jars>/*' JsmppEsme.java <host> <port> <system_id> <password> <deliveries> <seconds>
// Binds as a transceiver, then submits one message per stdin line `to|text|sar` (sar: empty, or
// `ref/total/seq` for SAR TLVs; text in UCS-2 when it is not plain ASCII), asking for a receipt. Prints
// JSON lines: {"event":"bound"}, {"event":"submitted","to":…,"id":…} or {"event":"refused","to":…,"error":…},
// {"event":"receipt","id":…,"stat":…} and {"event":"mo","from":…,"to":…,"text":…} for each deliver_sm.
// After stdin ends it waits for <deliveries> deliver_sm (or <seconds>), unbinds and exits.
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.jsmpp.bean.*;
import org.jsmpp.extra.ProcessRequestException;
import org.jsmpp.session.*;

public class JsmppEsme {
  static synchronized void print(String... pairs) {
    StringBuilder line = new StringBuilder("{");
    for (int i = 0; i < pairs.length; i += 2) {
      if (i > 0) line.append(',');
      line.append('"').append(pairs[i]).append("\":\"").append(escape(pairs[i + 1])).append('"');
    }
    System.out.println(line.append('}'));
    System.out.flush();
  }

  static String escape(String value) {
    StringBuilder out = new StringBuilder();
    for (char c : (value == null ? "" : value).toCharArray()) {
      if (c == '"' || c == '\\') out.append('\\').append(c);
      else if (c < 0x20) out.append(String.format("\\u%04x", (int) c));
      else out.append(c);
    }
    return out.toString();
  }

  public static void main(String[] args) throws Exception {
    String host = args[0];
    int port = Integer.parseInt(args[1]);
    int deliveries = Integer.parseInt(args[4]);
    long seconds = Long.parseLong(args[5]);
    CountDownLatch delivered = new CountDownLatch(deliveries);
    SMPPSession session = new SMPPSession();
    session.setMessageReceiverListener(new MessageReceiverListener() {
      public void onAcceptDeliverSm(DeliverSm deliverSm) throws ProcessRequestException {
        try {
          if (MessageType.SMSC_DEL_RECEIPT.containedIn(deliverSm.getEsmClass())) {
            DeliveryReceipt receipt = deliverSm.getShortMessageAsDeliveryReceipt();
            print("event", "receipt", "id", receipt.getId(), "stat", String.valueOf(receipt.getFinalStatus()));
          } else {
            boolean ucs2 = deliverSm.getDataCoding() == 8;
            print("event", "mo", "from", deliverSm.getSourceAddr(), "to", deliverSm.getDestAddress(), "text",
                new String(deliverSm.getShortMessage(), ucs2 ? StandardCharsets.UTF_16BE : StandardCharsets.ISO_8859_1));
          }
        } catch (Exception e) {
          print("event", "error", "error", String.valueOf(e));
        }
        delivered.countDown();
      }

      public void onAcceptAlertNotification(AlertNotification alert) {}

      public DataSmResult onAcceptDataSm(DataSm dataSm, Session source) throws ProcessRequestException {
        throw new ProcessRequestException("data_sm not handled", 0x03);
      }
    });
    session.connectAndBind(host, port, new BindParameter(BindType.BIND_TRX, args[2], args[3], "",
        TypeOfNumber.UNKNOWN, NumberingPlanIndicator.UNKNOWN, null));
    print("event", "bound");
    BufferedReader input = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
    for (String line; (line = input.readLine()) != null;) {
      if (line.isEmpty()) continue;
      String[] fields = line.split("\\|", -1);
      String to = fields[0];
      String text = fields[1];
      boolean ascii = text.chars().allMatch(c -> c >= 0x20 && c < 0x7f);
      OptionalParameter[] sar = new OptionalParameter[0];
      if (fields.length > 2 && !fields[2].isEmpty()) {
        String[] s = fields[2].split("/");
        sar = new OptionalParameter[] {
          new OptionalParameter.Short(OptionalParameter.Tag.SAR_MSG_REF_NUM, Short.parseShort(s[0])),
          new OptionalParameter.Byte(OptionalParameter.Tag.SAR_TOTAL_SEGMENTS, Byte.parseByte(s[1])),
          new OptionalParameter.Byte(OptionalParameter.Tag.SAR_SEGMENT_SEQNUM, Byte.parseByte(s[2])),
        };
      }
      try {
        SubmitSmResult result = session.submitShortMessage("", TypeOfNumber.ALPHANUMERIC,
            NumberingPlanIndicator.UNKNOWN, "JSMPP", TypeOfNumber.INTERNATIONAL, NumberingPlanIndicator.ISDN, to,
            new ESMClass(), (byte) 0, (byte) 1, null, null,
            new RegisteredDelivery(SMSCDeliveryReceipt.SUCCESS_FAILURE), (byte) 0,
            new GeneralDataCoding(ascii ? Alphabet.ALPHA_DEFAULT : Alphabet.ALPHA_UCS2), (byte) 0,
            text.getBytes(ascii ? StandardCharsets.ISO_8859_1 : StandardCharsets.UTF_16BE), sar);
        print("event", "submitted", "to", to, "id", result.getMessageId());
      } catch (Exception e) {
        print("event", "refused", "to", to, "error", String.valueOf(e));
      }
    }
    delivered.await(seconds, TimeUnit.SECONDS);
    session.unbindAndClose();
    print("event", "done");
    System.exit(0);
  }
}
