// Writes libs/contracts/json-schema/<topic>.json so producers in other languages can validate.
// Run with `npm run contracts:export`; a unit test fails when the committed files drift.
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { jsonSchemaOf } from './registry';
import { Topic, Topics } from './topics';

export const jsonSchemaDir = (root: string): string => path.join(root, 'libs', 'contracts', 'json-schema');
export const renderJsonSchema = (topic: Topic): string => `${JSON.stringify(jsonSchemaOf(topic), null, 2)}\n`;

if (require.main === module) {
  const dir = jsonSchemaDir(process.cwd());
  mkdirSync(dir, { recursive: true });
  for (const topic of Object.values(Topics))
    writeFileSync(path.join(dir, `${topic}.json`), renderJsonSchema(topic));
  console.log(`wrote ${Object.values(Topics).length} schemas to ${dir}`);
}
