import { Controller, Inject } from '@nestjs/common';
import { EventPattern, Payload } from '@nestjs/microservices';
import { Topics } from '@smsgate/contracts';
import { ConsumedBatch, Outcome, Outcomes } from '@smsgate/kafka';
import { mapConcurrently } from '@smsgate/runtime';
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
  onSubmit(@Payload() batch: ConsumedBatch<typeof Topics.smppSubmitRequested>): Promise<Outcome[]> {
    return mapConcurrently(batch.events, this.config.SUBMIT_CONCURRENCY, (event) =>
      this.submit
        .execute(event)
        .catch((error: unknown) =>
          Outcomes.retry(`submit error: ${error instanceof Error ? error.message : String(error)}`),
        ),
    );
  }
}
