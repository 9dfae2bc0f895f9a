// `npm run dlq:replay -- [options]`: replays dead letters to the topics they came from (see
// docs/operations.md). Reads KAFKA_BROKERS (and KAFKA_CLIENT_ID) like the services do.
import { loadConfig } from '@smsgate/runtime';
import { parseArgs } from 'node:util';
import { createKafka } from './create-kafka';
import { replayDeadLetters, ReplayFilter } from './dead-letter-replay';
import { EventPublisher } from './event-publisher';
import { kafkaEnv, kafkaSettingsFrom } from './kafka.config';

const USAGE = `usage: npm run dlq:replay -- [--dry-run] [--topic <source topic>] [--group <consumer group>]
         [--reason <regex>] [--since <ISO time>] [--until <ISO time>] [--id <dead-letter id>]... [--limit <n>]
Replays the matching dead letters (oldest first) to the topics they came from. --dry-run lists them only.`;

export async function main(argv: string[]): Promise<number> {
  let values;
  try {
    ({ values } = parseArgs({
      args: argv,
      options: {
        'dry-run': { type: 'boolean', default: false },
        topic: { type: 'string' },
        group: { type: 'string' },
        reason: { type: 'string' },
        since: { type: 'string' },
        until: { type: 'string' },
        id: { type: 'string', multiple: true },
        limit: { type: 'string' },
        help: { type: 'boolean', default: false },
      },
    }));
  } catch (error) {
    process.stderr.write(`${(error as Error).message}\n${USAGE}\n`);
    return 64;
  }
  if (values.help) {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  const problems: string[] = [];
  const time = (name: 'since' | 'until'): Date | undefined => {
    const value = values[name];
    if (value === undefined) return undefined;
    const date = new Date(value);
    if (Number.isNaN(date.getTime())) problems.push(`--${name} must be an ISO 8601 time`);
    return date;
  };
  let reason: RegExp | undefined;
  try {
    reason = values.reason === undefined ? undefined : new RegExp(values.reason);
  } catch {
    problems.push('--reason must be a regular expression');
  }
  const limit = values.limit === undefined ? undefined : Number(values.limit);
  if (limit !== undefined && (!Number.isInteger(limit) || limit < 1))
    problems.push('--limit must be a positive integer');
  const filter: ReplayFilter = {
    sourceTopic: values.topic,
    group: values.group,
    reason,
    since: time('since'),
    until: time('until'),
    ids: values.id,
  };
  if (problems.length > 0) {
    process.stderr.write(`${problems.join('\n')}\n${USAGE}\n`);
    return 64;
  }

  const config = loadConfig('dlq-replay', kafkaEnv);
  const settings = kafkaSettingsFrom(config, 'dlq-replay');
  const kafka = createKafka(settings);
  const dryRun = values['dry-run'] ?? false;
  const publisher = dryRun ? undefined : new EventPublisher(kafka, settings.publishTimeoutMs);
  await publisher?.connect();
  try {
    const report = await replayDeadLetters(kafka, publisher, { filter, dryRun, limit });
    process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
    process.stderr.write(
      `${report.scanned} dead letters read, ${report.matched.length} matched, ` +
        `${dryRun ? 'dry run: none' : report.replayed} replayed\n`,
    );
    return 0;
  } finally {
    await publisher?.disconnect();
  }
}

if (require.main === module) {
  main(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (error: unknown) => {
      process.stderr.write(`dlq:replay failed: ${error instanceof Error ? error.message : String(error)}\n`);
      process.exit(1);
    },
  );
}
