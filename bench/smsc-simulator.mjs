// Runs the SMSC simulator of libs/testing as its own process (its own core), printing its port.
// Options from the environment: SMSC_RECEIPTS=1 sends a DELIVRD receipt for every submit asking one.
import path from 'node:path';
import { createRequire } from 'node:module';
import { root } from './lib.mjs';

const require = createRequire(import.meta.url);
const { SmscSimulator } = require(path.join(root, 'dist/libs/testing/src/smsc-simulator.js'));

const smsc = new SmscSimulator({
  systemId: 'bench',
  password: 'bench',
  onSubmit: () => (process.env.SMSC_RECEIPTS === '1' ? undefined : { receipt: false }),
  // Bench runs keep no history: the arrays would only grow.
  keepHistory: false,
});
await smsc.start();
process.stdout.write(`${smsc.port}\n`);
process.on('SIGTERM', () => void smsc.stop().then(() => process.exit(0)));
