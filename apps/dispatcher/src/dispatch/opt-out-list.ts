import { Injectable } from '@nestjs/common';
import { MicroBatcher } from '@smsgate/runtime';
import { DataSource } from 'typeorm';

interface Lookup {
  channelId: string;
  address: string;
}

/** Numbers that stopped a channel (RapidPro `stopped`), checked before every send, in batches. */
@Injectable()
export class OptOutList {
  private readonly lookups = new MicroBatcher<Lookup, boolean>((items) => this.lookupMany(items), {
    maxBatch: 500,
    maxInFlight: 2,
  });

  constructor(private readonly dataSource: DataSource) {}

  has(channelId: string, address: string): Promise<boolean> {
    return this.lookups.submit({ channelId, address });
  }

  private async lookupMany(items: Lookup[]): Promise<boolean[]> {
    const rows = await this.dataSource.query<{ channel_id: string; address: string }[]>(
      `SELECT o.channel_id, o.address FROM opt_outs o
       JOIN unnest($1::uuid[], $2::text[]) AS u(c, a) ON o.channel_id = u.c AND o.address = u.a`,
      [items.map((i) => i.channelId), items.map((i) => i.address)],
    );
    const stopped = new Set(rows.map((row) => `${row.channel_id} ${row.address}`));
    return items.map((item) => stopped.has(`${item.channelId} ${item.address}`));
  }
}
