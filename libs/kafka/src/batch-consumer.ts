import { Controller, Inject, Type } from '@nestjs/common';
import { EventPattern, Payload } from '@nestjs/microservices';
import { Topic } from '@smsgate/contracts';
import { ConsumedBatch } from './consumed-batch';
import { Outcome } from './outcome';

/** A use case that takes a batch of one topic's events and answers one outcome per event. */
export interface BatchUseCase<T extends Topic> {
  execute(events: ConsumedBatch<T>['events']): Promise<Outcome[]>;
}

export interface BatchConsumer<T extends Topic> {
  onBatch(batch: ConsumedBatch<T>): Promise<Outcome[]>;
}

/**
 * The consumer that only hands each batch of `topic` to `useCase` (a provider of its module), as
 * `AuthGuard('jwt')` makes a guard: a controller whose `@EventPattern(topic)` handler returns the use case's
 * outcomes. A subclass names it: `export class InboundConsumer extends batchConsumer(topic, UseCase) {}`.
 */
export function batchConsumer<T extends Topic>(
  topic: T,
  useCase: Type<BatchUseCase<T>>,
): Type<BatchConsumer<T>> {
  @Controller()
  class TopicConsumer implements BatchConsumer<T> {
    constructor(@Inject(useCase) private readonly handler: BatchUseCase<T>) {}

    @EventPattern(topic)
    onBatch(@Payload() batch: ConsumedBatch<T>): Promise<Outcome[]> {
      return this.handler.execute(batch.events);
    }
  }
  return TopicConsumer;
}
