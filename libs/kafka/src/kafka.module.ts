import {
  DynamicModule,
  Global,
  Inject,
  Injectable,
  Module,
  OnApplicationShutdown,
  OnModuleInit,
} from '@nestjs/common';
import { Kafka } from 'kafkajs';
import { createKafka } from './create-kafka';
import { ensureTopics } from './ensure-topics';
import { AcknowledgedListener, EventPublisher } from './event-publisher';
import { KafkaSettings } from './kafka.config';

export const KAFKA = Symbol('KAFKA');
const SETTINGS = Symbol('KAFKA_SETTINGS');

/** Connects the publisher at boot (after creating the contract topics) and drains it at shutdown. */
@Injectable()
class KafkaLifecycle implements OnModuleInit, OnApplicationShutdown {
  constructor(
    @Inject(KAFKA) private readonly kafka: Kafka,
    private readonly publisher: EventPublisher,
  ) {}

  async onModuleInit(): Promise<void> {
    await ensureTopics(this.kafka);
    await this.publisher.connect();
  }

  // After HTTP and consumers stopped (Nest closes them before shutdown hooks), so nothing is cut off.
  async onApplicationShutdown(): Promise<void> {
    await this.publisher.disconnect();
  }
}

/** Reports whether the cluster answers; cached briefly so probes don't hammer the broker. */
@Injectable()
export class KafkaHealth {
  private last = { at: 0, ok: false };

  constructor(@Inject(KAFKA) private readonly kafka: Kafka) {}

  async check(): Promise<boolean> {
    if (Date.now() - this.last.at < 2_000) return this.last.ok;
    const admin = this.kafka.admin();
    let ok = false;
    try {
      await admin.connect();
      ok = (await admin.describeCluster()).brokers.length > 0;
    } catch {
      ok = false;
    } finally {
      await admin.disconnect().catch(() => undefined);
    }
    this.last = { at: Date.now(), ok };
    return ok;
  }
}

@Global()
@Module({})
export class KafkaModule {
  /** `options.onAcknowledged`: told of every event the service's publisher had acknowledged. */
  static forRoot(
    settings: KafkaSettings,
    options: { onAcknowledged?: AcknowledgedListener } = {},
  ): DynamicModule {
    return {
      module: KafkaModule,
      providers: [
        { provide: SETTINGS, useValue: settings },
        { provide: KAFKA, useFactory: () => createKafka(settings) },
        {
          provide: EventPublisher,
          inject: [KAFKA],
          useFactory: (kafka: Kafka) =>
            new EventPublisher(kafka, settings.publishTimeoutMs, options.onAcknowledged),
        },
        KafkaLifecycle,
        KafkaHealth,
      ],
      exports: [KAFKA, EventPublisher, KafkaHealth],
    };
  }
}
