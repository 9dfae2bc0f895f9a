#!/usr/bin/env node
// `npx smsgate …` (or `node bin/smsgate.js …`): the operator's command line, built by `npm run build`.
const path = require('node:path');
const main = path.join(__dirname, '..', 'dist', 'apps', 'cli', 'src', 'main.js');
try {
  require.resolve(main);
} catch {
  process.stderr.write('smsgate: the command is not built yet: run `npm run build` first\n');
  process.exit(2);
}
require(main);
