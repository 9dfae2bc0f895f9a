import { Injectable, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { CustomTransportStrategy, Server } from '@nestjs/microservices';
import { Topics } from '@smsgate/contracts';
import { batchConsumer } from './batch-consumer';
import { ConsumedBatch } from './consumed-batch';
import { Outcome, Outcomes } from './outcome';

@Injectable()
class CountInbound {
  async execute(events: ConsumedBatch<typeof Topics.inboundReceived>['events']): Promise<Outcome[]> {
    return events.map(() => Outcomes.done());
  }
}

class InboundConsumer extends batchConsumer(Topics.inboundReceived, CountInbound) {}

/** A transport that only collects the handlers Nest found, as KafkaEventServer does on listen. */
class HandlerCollector extends Server implements CustomTransportStrategy {
  listen(callback: () => void): void {
    callback();
  }
  close(): void {}
  on(): void {}
  unwrap<T>(): T {
    return undefined as T;
  }
}

@Module({ controllers: [InboundConsumer], providers: [CountInbound] })
class ConsumerModule {}

describe('batchConsumer', () => {
  it("registers the subclass's handler for its topic, which answers the use case's outcomes", async () => {
    const strategy = new HandlerCollector();
    const app = await NestFactory.createMicroservice(ConsumerModule, { strategy, logger: false });
    await app.listen();
    try {
      expect([...strategy.getHandlers().keys()]).toEqual([Topics.inboundReceived]);
      const batch = { topic: Topics.inboundReceived, events: [{}, {}] };
      await expect(strategy.getHandlerByPattern(Topics.inboundReceived)!(batch)).resolves.toEqual([
        Outcomes.done(),
        Outcomes.done(),
      ]);
    } finally {
      await app.close();
    }
  });
});
