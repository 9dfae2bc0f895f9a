import type { LogLevel } from '@nestjs/common';
import { createKafka, EventPublisher } from '@smsgate/kafka';
import { Partitioners, Producer } from 'kafkajs';
import { Client } from 'pg';
import { freshGroupAtEnd } from './consumer-groups';
import { ADMIN_TOKEN, SECRETS_KEY } from './factories';
import { ServiceName, ServiceProcess } from './service-process';
import { TopicProbe } from './topic-probe';

/** What every service needs to boot against the test infrastructure, with a test's own settings on top. */
export function serviceEnv(overrides: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  return {
    KAFKA_BROKERS: process.env.KAFKA_BROKERS,
    DATABASE_URL: process.env.DATABASE_URL,
    ADMIN_TOKEN,
    SECRETS_KEY,
    ...overrides,
  };
}

/** Nest's logger for a service started in the test process: quiet unless TEST_LOGS is set. */
export function testLogger(): LogLevel[] | false {
  return process.env.TEST_LOGS ? ['error', 'warn', 'log'] : false;
}

/**
 * Starts a consuming service in a group of its own (`<group>-<uuid>`) that begins where the topics end
 * now: the shared topics' history is other suites' business.
 */
export async function startInFreshGroup(
  name: ServiceName,
  group: string,
  env: NodeJS.ProcessEnv = serviceEnv(),
): Promise<ServiceProcess> {
  const groupId = await freshGroupAtEnd(process.env.KAFKA_BROKERS!, group);
  return ServiceProcess.start(name, { ...env, KAFKA_GROUP_ID: groupId });
}

/** A connected client of the test database, for assertions on what the services stored. */
export async function connectTestDatabase(): Promise<Client> {
  const db = new Client({ connectionString: process.env.DATABASE_URL });
  await db.connect();
  return db;
}

/** What an integration spec drives a service with: the test database, a publisher and a probe on `topics`. */
export interface TestClients {
  db: Client;
  publisher: EventPublisher;
  probe: TopicProbe;
  /** Disconnects all three: after the service under test has stopped. */
  close(): Promise<void>;
}

export async function connectTestClients(clientId: string, topics: string[]): Promise<TestClients> {
  const brokers = process.env.KAFKA_BROKERS!;
  const db = await connectTestDatabase();
  const publisher = new EventPublisher(createKafka({ brokers: brokers.split(','), clientId }));
  let probe: TopicProbe | undefined;
  const close = async () => {
    await Promise.all([publisher.disconnect(), probe?.stop()]);
    await db.end();
  };
  try {
    await publisher.connect();
    probe = await TopicProbe.start(brokers, topics);
  } catch (error) {
    await close();
    throw error;
  }
  return { db, publisher, probe, close };
}

/**
 * A kafkajs producer (connect it) for what a test sends its own way: records the publisher would refuse,
 * large batches. Keys go to the partitions the services' publisher picks.
 */
export function testProducer(clientId: string): Producer {
  return createKafka({ brokers: process.env.KAFKA_BROKERS!.split(','), clientId }).producer({
    createPartitioner: Partitioners.DefaultPartitioner,
  });
}
