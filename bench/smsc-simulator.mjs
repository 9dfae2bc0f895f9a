// Runs one of libs/testing's SMSC simulators as its own process (its own core), printing its port.
// The first argument picks the protocol: smpp (default), ucp or cimd2. Options from the environment:
// SMSC_RECEIPTS=1 sends a receipt (SMPP), notification (UCP) or status report (CIMD2) for every submit
// asking one.
import path from 'node:path';
import { createRequire } from 'node:module';
import { root } from './lib.mjs';

const require = createRequire(import.meta.url);
const testing = (file) => require(path.join(root, 'dist/libs/testing/src', file));
const protocol = process.argv[2] ?? 'smpp';

// Bench runs keep no history: the arrays would only grow.
const smsc =
  protocol === 'ucp'
    ? new (testing('ucp-simulator.js').UcpSimulator)({
        // A UCP account is an address: digits.
        address: '4711',
        password: 'bench',
        onSubmit: () => (process.env.SMSC_RECEIPTS === '1' ? undefined : { notification: false }),
        keepHistory: false,
      })
    : protocol === 'cimd2'
      ? new (testing('cimd2-simulator.js').Cimd2Simulator)({
          userId: 'bench',
          password: 'bench',
          onSubmit: () => (process.env.SMSC_RECEIPTS === '1' ? undefined : { report: false }),
          keepHistory: false,
        })
      : new (testing('smsc-simulator.js').SmscSimulator)({
          systemId: 'bench',
          password: 'bench',
          onSubmit: () => (process.env.SMSC_RECEIPTS === '1' ? undefined : { receipt: false }),
          keepHistory: false,
        });
await smsc.start();
process.stdout.write(`${smsc.port}\n`);
process.on('SIGTERM', () => void smsc.stop().then(() => process.exit(0)));
