import { Injectable, Logger } from '@nestjs/common';
import { SmppSubmitRecord, SmppSubmitsRepository, SmppSubmittedPart } from '@smsgate/db';
import { MicroBatcher, untilDone, warnSometimes } from '@smsgate/runtime';

export type SubmittedPart = SmppSubmittedPart;

/**
 * The submit_sm the SMSC acknowledged, by message id and part. Written as each part is accepted,
 * read before submitting: a message replayed after a crash (offsets are committed only after the
 * SMSC answered) submits only the parts the SMSC has not acknowledged yet. Reads and writes of
 * concurrent messages are batched into one round trip each.
 *
 * A write that fails (PostgreSQL restarting) is repeated until it lands, holding the message's
 * handler: a part the SMSC acknowledged must never look unsubmitted to a later replay.
 */
@Injectable()
export class SubmitLedger {
  private readonly logger = new Logger(SubmitLedger.name);
  private readonly reads: MicroBatcher<string, SubmittedPart[]>;
  private readonly writes: MicroBatcher<SmppSubmitRecord, void>;

  constructor(private readonly submits: SmppSubmitsRepository) {
    this.reads = new MicroBatcher((ids) => this.submits.findByMessages(ids), {
      maxBatch: 500,
      maxInFlight: 2,
    });
    this.writes = new MicroBatcher((records) => this.write(records), { maxBatch: 500, maxInFlight: 2 });
  }

  partsOf(messageId: string): Promise<SubmittedPart[]> {
    return this.reads.submit(messageId);
  }

  record(messageId: string, channelId: string, part: SubmittedPart): Promise<void> {
    return untilDone(() => this.writes.submit({ messageId, channelId, part }), {
      onFailure: warnSometimes(
        (line) => this.logger.warn(line),
        `recording the acknowledged part ${part.index} of ${messageId}`,
        'the part is not submitted again',
      ),
    });
  }

  private async write(records: SmppSubmitRecord[]): Promise<void[]> {
    await this.submits.insertMany(records);
    return records.map(() => undefined);
  }
}
