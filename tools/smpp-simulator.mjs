// A small SMSC simulator for the local demo (docker-compose), speaking SMPP 3.4 over TCP:
// bind_transmitter / bind_receiver / bind_transceiver (refused beyond MAX_BINDS per system_id, as a real
// SMSC's bind limit would), enquire_link, unbind, submit_sm (answered with a message id) and, when the
// submit asked for a receipt, a deliver_sm delivery receipt (stat:DELIVRD) a moment later.
// An HTTP side port answers GET /health and GET /binds (open binds and submit counts) for checks.
import { randomUUID } from 'node:crypto';
import { createServer as createHttpServer } from 'node:http';
import { createServer } from 'node:net';

const port = Number(process.env.SMPP_PORT ?? 2775);
const httpPort = Number(process.env.HTTP_PORT ?? 2776);
const maxBinds = Number(process.env.MAX_BINDS ?? 2);
const receiptDelayMs = Number(process.env.RECEIPT_DELAY_MS ?? 500);

const CMD = {
  generic_nack: 0x80000000,
  bind_receiver: 0x00000001,
  bind_transmitter: 0x00000002,
  submit_sm: 0x00000004,
  deliver_sm: 0x00000005,
  unbind: 0x00000006,
  bind_transceiver: 0x00000009,
  enquire_link: 0x00000015,
};
const RESP = 0x80000000;
const STATUS = {
  ok: 0x00,
  invalidCommandId: 0x03,
  bindFailed: 0x0d,
  alreadyBound: 0x05,
  invalidBindStatus: 0x04,
};
const binds = new Map(); // system_id -> Set<socket>
let submitted = 0;
let receipts = 0;

const cstring = (text) => Buffer.concat([Buffer.from(text, 'latin1'), Buffer.from([0])]);

function pdu(commandId, status, sequence, body = Buffer.alloc(0)) {
  const header = Buffer.alloc(16);
  header.writeUInt32BE(16 + body.length, 0);
  header.writeUInt32BE(commandId >>> 0, 4);
  header.writeUInt32BE(status, 8);
  header.writeUInt32BE(sequence, 12);
  return Buffer.concat([header, body]);
}

/** Reads C-strings and octets from a PDU body in order. */
function reader(body) {
  let at = 0;
  return {
    cstring() {
      const end = body.indexOf(0, at);
      const text = body.toString('latin1', at, end < 0 ? body.length : end);
      at = end < 0 ? body.length : end + 1;
      return text;
    },
    octet() {
      return body[at++] ?? 0;
    },
    bytes(n) {
      const out = body.subarray(at, at + n);
      at += n;
      return out;
    },
  };
}

const stamp = (date) =>
  [
    date.getUTCFullYear() % 100,
    date.getUTCMonth() + 1,
    date.getUTCDate(),
    date.getUTCHours(),
    date.getUTCMinutes(),
  ]
    .map((n) => String(n).padStart(2, '0'))
    .join('');

function receiptFor(sequence, messageId, submit) {
  const now = new Date();
  const text = `id:${messageId} sub:001 dlvrd:001 submit date:${stamp(submit.at)} done date:${stamp(now)} stat:DELIVRD err:000 text:${submit.text.slice(0, 20)}`;
  const message = Buffer.from(text, 'latin1');
  const tlvId = Buffer.concat([Buffer.from([0x00, 0x1e, 0x00, messageId.length + 1]), cstring(messageId)]);
  const tlvState = Buffer.from([0x04, 0x27, 0x00, 0x01, 0x02]); // message_state DELIVERED
  const body = Buffer.concat([
    cstring(''),
    Buffer.from([submit.destTon, submit.destNpi]),
    cstring(submit.destination),
    Buffer.from([submit.sourceTon, submit.sourceNpi]),
    cstring(submit.source),
    Buffer.from([0x04, 0x00, 0x00]), // esm_class: delivery receipt
    cstring(''),
    cstring(''),
    Buffer.from([0x00, 0x00, 0x00, 0x00, message.length]),
    message,
    tlvId,
    tlvState,
  ]);
  return pdu(CMD.deliver_sm, STATUS.ok, sequence, body);
}

const server = createServer((socket) => {
  let buffer = Buffer.alloc(0);
  let bound = null; // { systemId, mode }
  let sequence = 1;
  const nextSequence = () => (sequence = (sequence % 0x7fffffff) + 1);

  const release = () => {
    if (bound) binds.get(bound.systemId)?.delete(socket);
    bound = null;
  };
  socket.on('close', release);
  socket.on('error', release);

  socket.on('data', (chunk) => {
    buffer = Buffer.concat([buffer, chunk]);
    while (buffer.length >= 16) {
      const length = buffer.readUInt32BE(0);
      if (length < 16 || length > 64 * 1024) return socket.destroy();
      if (buffer.length < length) return;
      const commandId = buffer.readUInt32BE(4);
      const seq = buffer.readUInt32BE(12);
      const body = buffer.subarray(16, length);
      buffer = buffer.subarray(length);
      handle(commandId, seq, body);
    }
  });

  function handle(commandId, seq, body) {
    switch (commandId) {
      case CMD.bind_receiver:
      case CMD.bind_transmitter:
      case CMD.bind_transceiver: {
        const r = reader(body);
        const systemId = r.cstring();
        if (bound)
          return socket.write(pdu(commandId | RESP, STATUS.alreadyBound, seq, cstring('smsgate-sim')));
        const open = binds.get(systemId) ?? new Set();
        if (open.size >= maxBinds) {
          console.log(JSON.stringify({ msg: 'bind refused: limit reached', systemId, maxBinds }));
          return socket.write(pdu(commandId | RESP, STATUS.bindFailed, seq, cstring('smsgate-sim')));
        }
        open.add(socket);
        binds.set(systemId, open);
        bound = { systemId, mode: commandId };
        console.log(JSON.stringify({ msg: 'bound', systemId, binds: open.size }));
        return socket.write(pdu(commandId | RESP, STATUS.ok, seq, cstring('smsgate-sim')));
      }
      case CMD.enquire_link:
        return socket.write(pdu(CMD.enquire_link | RESP, STATUS.ok, seq));
      case CMD.unbind:
        socket.write(pdu(CMD.unbind | RESP, STATUS.ok, seq));
        release();
        return socket.end();
      case CMD.submit_sm: {
        if (!bound || bound.mode === CMD.bind_receiver)
          return socket.write(pdu(CMD.submit_sm | RESP, STATUS.invalidBindStatus, seq));
        const r = reader(body);
        r.cstring(); // service_type
        const sourceTon = r.octet();
        const sourceNpi = r.octet();
        const source = r.cstring();
        const destTon = r.octet();
        const destNpi = r.octet();
        const destination = r.cstring();
        r.octet(); // esm_class
        r.octet(); // protocol_id
        r.octet(); // priority_flag
        r.cstring(); // schedule_delivery_time
        r.cstring(); // validity_period
        const registered = r.octet();
        r.octet(); // replace_if_present_flag
        r.octet(); // data_coding
        r.octet(); // sm_default_msg_id
        const text = r.bytes(r.octet()).toString('latin1');
        const messageId = randomUUID().replace(/-/g, '').slice(0, 16);
        submitted++;
        socket.write(pdu(CMD.submit_sm | RESP, STATUS.ok, seq, cstring(messageId)));
        if ((registered & 0x03) !== 0 && bound.mode !== CMD.bind_transmitter) {
          const submit = {
            at: new Date(),
            sourceTon,
            sourceNpi,
            source,
            destTon,
            destNpi,
            destination,
            text,
          };
          setTimeout(() => {
            if (!socket.destroyed && bound) {
              receipts++;
              socket.write(receiptFor(nextSequence(), messageId, submit));
            }
          }, receiptDelayMs);
        }
        return;
      }
      default:
        if (commandId & RESP) return; // deliver_sm_resp and other answers to what we sent
        return socket.write(pdu(CMD.generic_nack, STATUS.invalidCommandId, seq));
    }
  }
});

const http = createHttpServer((request, response) => {
  const open = Object.fromEntries([...binds].map(([systemId, sockets]) => [systemId, sockets.size]));
  const ok = request.url === '/health' || request.url === '/binds';
  response.writeHead(ok ? 200 : 404, { 'content-type': 'application/json' });
  response.end(JSON.stringify(ok ? { binds: open, maxBinds, submitted, receipts } : { error: 'not found' }));
});

server.listen(port, '0.0.0.0', () =>
  console.log(JSON.stringify({ msg: 'SMPP simulator listening', port, maxBinds })),
);
http.listen(httpPort, '0.0.0.0');
const stop = () => {
  http.close();
  server.close(() => process.exit(0));
  for (const sockets of binds.values()) for (const socket of sockets) socket.destroy();
};
process.once('SIGTERM', stop);
process.once('SIGINT', stop);
