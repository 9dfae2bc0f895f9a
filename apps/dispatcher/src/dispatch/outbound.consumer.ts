import { Controller, Inject } from '@nestjs/common';
import { EventPattern, Payload } from '@nestjs/microservices';
import { Topics } from '@smsgate/contracts';
import { ConsumedBatch, Outcome, Outcomes, withEventTrace } from '@smsgate/kafka';
import { mapConcurrently } from '@smsgate/runtime';
import { DISPATCHER_CONFIG, DispatcherConfig } from '../config';
import { DispatchMessage } from './dispatch-message.use-case';

const RANK = { high: 0, normal: 1, bulk: 2 } as const;

@Controller()
export class OutboundConsumer {
  constructor(
    private readonly dispatch: DispatchMessage,
    @Inject(DISPATCHER_CONFIG) private readonly config: DispatcherConfig,
  ) {}

  /** A batch is sent concurrently, high priority first; outcomes keep the batch's order. */
  @EventPattern(Topics.outboundRequested)
  async onRequested(@Payload() batch: ConsumedBatch<typeof Topics.outboundRequested>): Promise<Outcome[]> {
    const order = batch.events
      .map((event, index) => ({ event, index }))
      .sort((a, b) => RANK[a.event.payload.priority] - RANK[b.event.payload.priority] || a.index - b.index);
    const outcomes: Outcome[] = new Array<Outcome>(batch.events.length);
    await mapConcurrently(order, this.config.DISPATCH_CONCURRENCY, async ({ event, index }) => {
      // One message's trouble (a database or Kafka hiccup) is that message's retry, not the batch's.
      outcomes[index] = await withEventTrace(event, () => this.dispatch.execute(event)).catch(
        (error: unknown) =>
          Outcomes.retry(`dispatch error: ${error instanceof Error ? error.message : String(error)}`),
      );
    });
    return outcomes;
  }
}
