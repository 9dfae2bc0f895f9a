import { Logger } from '@nestjs/common';
import { Kafka, logLevel, LogEntry } from 'kafkajs';
import { KafkaSettings } from './kafka.config';
import { installKafkajsPatches } from './kafkajs-patches';

const logger = new Logger('kafkajs');

function logEntry({ level, label, log }: LogEntry): void {
  const { message, ...rest } = log;
  const line = `${label} ${message}${Object.keys(rest).length > 1 ? ` ${JSON.stringify(rest)}` : ''}`;
  if (level === logLevel.ERROR) logger.error(line);
  else if (level === logLevel.WARN) logger.warn(line);
  else logger.debug?.(line);
}

/** The one way smsgate makes a kafkajs client: patched (kafkajs-patches.ts), logging through Nest. */
export function createKafka(settings: Pick<KafkaSettings, 'brokers' | 'clientId'>): Kafka {
  installKafkajsPatches();
  return new Kafka({
    clientId: settings.clientId,
    brokers: settings.brokers,
    logLevel: logLevel.WARN,
    logCreator: () => logEntry,
    // Backoff capped at 2 s (kafkajs' default cap is 30 s): after a broker outage, producers and
    // consumers are back within about 2 s of the broker, not up to half a minute later. About as
    // long in all before giving up as kafkajs' defaults.
    retry: { initialRetryTime: 200, maxRetryTime: 2_000, retries: 25 },
  });
}
