import { Controller, Inject } from '@nestjs/common';
import { EventPattern, Payload } from '@nestjs/microservices';
import { Topics } from '@smsgate/contracts';
import { ConsumedBatch, Outcome, Outcomes } from '@smsgate/kafka';
import { SMPP_BINDS_CONFIG, SmppBindsConfig } from '../config';
import { SubmitMessage } from './submit-message.use-case';

@Controller()
export class SubmitConsumer {
  constructor(
    private readonly submit: SubmitMessage,
    @Inject(SMPP_BINDS_CONFIG) private readonly config: SmppBindsConfig,
  ) {}

  /**
   * A batch (one partition) is submitted concurrently — the binds' windows and the channel's tps pace
   * it — and the handler returns once the SMSC answered every message, so offsets are committed only then.
   */
  @EventPattern(Topics.smppSubmitRequested)
  async onSubmit(@Payload() batch: ConsumedBatch<typeof Topics.smppSubmitRequested>): Promise<Outcome[]> {
    const outcomes: Outcome[] = new Array<Outcome>(batch.events.length);
    let next = 0;
    const worker = async () => {
      while (next < batch.events.length) {
        const index = next++;
        outcomes[index] = await this.submit
          .execute(batch.events[index])
          .catch((error: unknown) =>
            Outcomes.retry(`submit error: ${error instanceof Error ? error.message : String(error)}`),
          );
      }
    };
    await Promise.all(
      Array.from({ length: Math.min(this.config.SUBMIT_CONCURRENCY, batch.events.length) }, worker),
    );
    return outcomes;
  }
}
