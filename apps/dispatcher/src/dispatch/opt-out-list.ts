import { Injectable } from '@nestjs/common';
import { MicroBatcher } from '@smsgate/runtime';
import { OptOutKey, OptOutsRepository } from '@smsgate/db';

/** Numbers that stopped a channel (RapidPro `stopped`), checked before every send, in batches. */
@Injectable()
export class OptOutList {
  private readonly lookups = new MicroBatcher<OptOutKey, boolean>((items) => this.lookupMany(items), {
    maxBatch: 500,
    maxInFlight: 2,
  });

  constructor(private readonly optOuts: OptOutsRepository) {}

  has(channelId: string, address: string): Promise<boolean> {
    return this.lookups.submit({ channelId, address });
  }

  private async lookupMany(items: OptOutKey[]): Promise<boolean[]> {
    const rows = await this.optOuts.findStopped(items);
    const stopped = new Set(rows.map((row) => `${row.channelId} ${row.address}`));
    return items.map((item) => stopped.has(`${item.channelId} ${item.address}`));
  }
}
