// The SMSC simulator (SmscSimulator, libs/testing/src/smsc-simulator.ts, from the build output) as a
// process: the compose demo's `smsc` and the SMPP benchmarks' SMSC. SMPP 3.4 over TCP: binds (refused
// beyond MAX_BINDS per system_id, as a real SMSC's bind limit would), enquire_link, unbind, submit_sm
// (answered with a message id) and, when the submit asked for one, a DELIVRD receipt RECEIPT_DELAY_MS
// later (none with RECEIPTS=0). An HTTP side port answers GET /health and GET /binds (open binds and
// counts). Port 0 picks a free one; the first line on stdout says which (JSON, `msg` and `port`).
// Stops on SIGTERM or SIGINT with exit code 0.
import { existsSync } from 'node:fs';
import { createServer } from 'node:http';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

const compiled = fileURLToPath(new URL('../dist/libs/testing/src/smsc-simulator.js', import.meta.url));
if (!existsSync(compiled)) {
  console.error(`${compiled} is missing: build first (npm run build)`);
  process.exit(1);
}
const { SmscSimulator } = createRequire(import.meta.url)(compiled);

const port = Number(process.env.SMPP_PORT ?? 2775);
const httpPort = Number(process.env.HTTP_PORT ?? 2776);
const maxBinds = Number(process.env.MAX_BINDS ?? 2);
const receiptDelayMs = Number(process.env.RECEIPT_DELAY_MS ?? 500);
const receipts = process.env.RECEIPTS !== '0';
const log = (line) => console.log(JSON.stringify(line));

const smsc = new SmscSimulator({
  maxBindsPerSystemId: maxBinds,
  // Ids of 16 hex digits from a clock-based start: a restarted simulator never repeats one.
  idFormat: 'hex16',
  firstMessageId: Date.now() * 1_000,
  receiptDelayMs,
  // A long-running process keeps counts only.
  keepHistory: false,
  onSubmit: receipts ? undefined : () => ({ receipt: false }),
  onBind: ({ systemId, accepted }) =>
    log(
      accepted
        ? { msg: 'bound', systemId, binds: smsc.bindsBySystemId()[systemId] }
        : { msg: 'bind refused', systemId, maxBinds },
    ),
});

const http = createServer((request, response) => {
  const ok = request.url === '/health' || request.url === '/binds';
  const state = {
    binds: smsc.bindsBySystemId(),
    maxBinds,
    submitted: smsc.received,
    receipts: smsc.receiptsSent,
  };
  response.writeHead(ok ? 200 : 404, { 'content-type': 'application/json' });
  response.end(JSON.stringify(ok ? state : { error: 'not found' }));
});

await smsc.start(port, '0.0.0.0');
await new Promise((resolve) => http.listen(httpPort, '0.0.0.0', resolve));
log({ msg: 'SMPP simulator listening', port: smsc.port, httpPort: http.address().port, maxBinds });

const stop = () => {
  http.close();
  void smsc.stop().then(() => process.exit(0));
};
process.once('SIGTERM', stop);
process.once('SIGINT', stop);
