// The fault suite's SMSC, as a process of its own so that it can be killed with SIGKILL and restarted
// on the same port. It logs every submit_sm (before answering) and every receipt the ESME acknowledged
// to FAULT_SMSC_LOG, synchronously. Like a real SMSC it keeps the receipts it has not delivered yet and
// sends them once a receiving bind is back, after a restart too (rebuilt from the log). It answers each
// submit after FAULT_SMSC_DELAY_MS (default 100, an SMSC's usual latency), so that a kill finds submits
// in the window: received and logged, never answered. Prints its port.
import { formatReceiptText, shortMessage } from '@smsgate/smpp';
import { appendFileSync } from 'node:fs';
import { SmscSimulator } from '../smsc-simulator';
import { readSmscLog, type SmscLogLine, type SmscSubmit } from './smsc-log';

const file = process.env.FAULT_SMSC_LOG ?? '';
if (!file) throw new Error('FAULT_SMSC_LOG is required');
const DELAY_MS = Number(process.env.FAULT_SMSC_DELAY_MS ?? 100);
const write = (line: SmscLogLine) => appendFileSync(file, `${JSON.stringify(line)}\n`);

const history = readSmscLog(file);
const gen = history.filter((line) => line.e === 'start').length + 1;
const pending = new Map<string, { submit: SmscSubmit; inFlight: boolean; nextAt: number }>();
for (const line of history) {
  if (line.e === 'submit') pending.set(line.id, { submit: line, inFlight: false, nextAt: 0 });
  if (line.e === 'receipt' && line.status === 0) pending.delete(line.id);
}

const smsc = new SmscSimulator({
  systemId: process.env.FAULT_SMSC_SYSTEM_ID ?? 'faults',
  password: process.env.FAULT_SMSC_PASSWORD ?? 'faults',
  // Each run of the process hands out ids of its own (a receipt must never match an older message).
  firstMessageId: gen * 0x1000000,
  onSubmit: (received) => {
    const { pdu } = received;
    const sar =
      pdu.optional.sarMsgRefNum !== undefined
        ? {
            ref: pdu.optional.sarMsgRefNum,
            total: pdu.optional.sarTotalSegments ?? 0,
            seq: pdu.optional.sarSegmentSeqnum ?? 0,
          }
        : undefined;
    const udh = received.concatenation;
    const submit: SmscSubmit = {
      e: 'submit',
      gen,
      id: received.messageId,
      source: { ...pdu.source },
      destination: { ...pdu.destination },
      to: pdu.destination.addr,
      text: received.text,
      ...(udh
        ? { part: { ref: udh.reference, total: udh.total, seq: udh.sequence } }
        : sar
          ? { part: sar }
          : {}),
      at: received.at,
    };
    write(submit);
    if ((pdu.registeredDelivery & 0x03) !== 0)
      // after the submit_sm_resp, which goes out when this returns
      pending.set(submit.id, { submit, inFlight: false, nextAt: Date.now() + DELAY_MS + 5 });
    return { receipt: false, ...(DELAY_MS > 0 ? { delayMs: DELAY_MS } : {}) };
  },
});
// The log is the history; the simulator's own arrays would only grow.
smsc.submits.push = () => 0;
smsc.deliverResponses.push = () => 0;

const RECEIPT_TIMEOUT_MS = 10_000;
function sendReceipt(entry: { submit: SmscSubmit; inFlight: boolean; nextAt: number }): void {
  const { submit } = entry;
  entry.inFlight = true;
  const pdu = shortMessage('deliver_sm', {
    source: submit.destination,
    destination: submit.source,
    esmClass: 0x04,
    shortMessage: Buffer.from(
      formatReceiptText({
        messageId: submit.id,
        stat: 'DELIVRD',
        submitDate: new Date(submit.at),
        doneDate: new Date(),
        text: submit.text,
      }),
      'latin1',
    ),
    optional: { receiptedMessageId: submit.id, messageState: 2 },
  });
  let settled = false;
  const retry = () => {
    if (settled) return;
    settled = true;
    entry.inFlight = false;
    entry.nextAt = Date.now() + 1_000;
  };
  const timer = setTimeout(retry, RECEIPT_TIMEOUT_MS);
  void smsc.deliver(pdu).then(
    (status) => {
      clearTimeout(timer);
      if (settled) return;
      if (status !== 0) return retry();
      settled = true;
      write({ e: 'receipt', gen, id: submit.id, status, at: Date.now() });
      pending.delete(submit.id);
    },
    () => {
      clearTimeout(timer);
      retry();
    },
  );
}

setInterval(() => {
  if (smsc.receivers().length === 0) return;
  const now = Date.now();
  for (const entry of pending.values()) if (!entry.inFlight && entry.nextAt <= now) sendReceipt(entry);
}, 20).unref();

void smsc.start(Number(process.env.FAULT_SMSC_PORT ?? 0)).then(() => {
  write({ e: 'start', gen, pid: process.pid, port: smsc.port, at: Date.now() });
  process.stdout.write(`${smsc.port}\n`);
});
process.on('SIGTERM', () => void smsc.stop().then(() => process.exit(0)));
