import { readFileSync } from 'node:fs';
import path from 'node:path';
import { createInterface } from 'node:readline/promises';
import { runCli } from './cli';

// `smsgate …`: the operator's command line (docs/cli.md). bin/smsgate.js runs this after `npm run build`.
const { version } = JSON.parse(
  readFileSync(path.join(__dirname, '..', '..', '..', '..', 'package.json'), 'utf8'),
) as { version: string };
const interactive = Boolean(process.stdin.isTTY && process.stdout.isTTY);

void runCli(process.argv.slice(2), {
  env: process.env,
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
  interactive,
  ask: async (question) => {
    const prompt = createInterface({ input: process.stdin, output: process.stdout });
    // Ctrl+C or Ctrl+D at the question is a no.
    const declined = new AbortController();
    prompt.on('SIGINT', () => declined.abort());
    try {
      return /^y(es)?$/i.test((await prompt.question(question, { signal: declined.signal })).trim());
    } catch (error) {
      if ((error as Error).name !== 'AbortError') throw error;
      process.stdout.write('\n');
      return false;
    } finally {
      prompt.close();
    }
  },
  colour: Boolean(process.stdout.isTTY) && !process.env.NO_COLOR,
  fetch,
  version,
}).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(`smsgate: ${(error as Error).stack ?? String(error)}\n`);
    process.exitCode = 70;
  },
);
