import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { fallbackOf, renderConfigReference, variablesOf } from './config-reference';

const reference = path.join(__dirname, '..', '..', '..', 'docs', 'configuration.md');

describe('docs/configuration.md', () => {
  it('is what the config schemas say', () => {
    const expected = renderConfigReference();
    if (process.env.UPDATE_CONFIG_REFERENCE === '1') writeFileSync(reference, expected);
    // A failure here means a config schema changed: run `npm run docs:config` and review the diff.
    expect(readFileSync(reference, 'utf8')).toBe(expected);
  });
});

describe('variablesOf', () => {
  it('gives each variable its default, or says it is unset or required', () => {
    const env = z.object({
      NUMBER: z.coerce.number().default(5).describe('a number'),
      LIST: z
        .string()
        .default('')
        .transform((value) => value.split(','))
        .describe('a list'),
      URL: z.url().optional().describe('a URL'),
      TOKEN: z.string().describe('a token'),
    });
    expect(variablesOf(env)).toEqual([
      { name: 'NUMBER', fallback: '`5`', description: 'a number' },
      { name: 'LIST', fallback: '(none)', description: 'a list' },
      { name: 'URL', fallback: '(unset)', description: 'a URL' },
      { name: 'TOKEN', fallback: '(required)', description: 'a token' },
    ]);
  });

  it('refuses a variable without a description', () => {
    expect(() => variablesOf(z.object({ SECRET: z.string() }))).toThrow('SECRET has no .describe()');
  });

  it('reads defaults through transforms', () => {
    expect(fallbackOf(z.string().default('1,2').transform(Number))).toBe('`1,2`');
  });
});
