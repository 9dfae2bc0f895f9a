import { Injectable } from '@nestjs/common';
import type { MessageStatusChangedV1 } from '@smsgate/contracts';
import { ChtMessagesRepository } from '@smsgate/db';
import { type ConsumedEvent, type Outcome, Outcomes } from '@smsgate/kafka';
import { excerpt, isSuccess } from '../http/http-client';
import { forwardResults, formBody, joinUrl, RelayHttp } from '../http/relay-http';
import { mapConcurrently } from '@smsgate/runtime';
import { UnavailableTargets } from '../http/unavailable-targets';
import type { OutboundRow } from '../outbound/outbound-messages';
import { isForward, toExCallback } from '../outbound/statuses';
import { RelaySettings } from '../settings/relay-settings';

const CONCURRENCY = 16;
const CALLBACK_RANK: Record<string, number> = { sent: 1, delivered: 2, failed: 2 };

/**
 * Follows the status of the messages cht-relay sent: keeps the row CHT's messages.json and the
 * gateway poller read, and reports the progress of messages RapidPro gave us to RapidPro's
 * `/c/ex/<uuid>/sent|delivered|failed`. A callback that fails is retried through the retry topic;
 * one already made is not repeated.
 */
@Injectable()
export class TrackStatusUseCase {
  constructor(
    private readonly messages: ChtMessagesRepository,
    private readonly http: RelayHttp,
    private readonly settings: RelaySettings,
  ) {}

  async execute(events: ConsumedEvent<MessageStatusChangedV1>[]): Promise<Outcome[]> {
    const ids = [...new Set(events.filter((e) => e.payload.direction === 'out').map((e) => e.payload.id))];
    const rows = ids.length === 0 ? [] : await this.messages.findByIds(ids);
    const byId = new Map(rows.map((row) => [row.message_id, row]));
    // One message's events in order; different messages side by side.
    const groups = new Map<string, number[]>();
    events.forEach((event, index) =>
      groups.set(event.payload.id, [...(groups.get(event.payload.id) ?? []), index]),
    );
    const outcomes = new Array<Outcome>(events.length);
    const unavailable = new UnavailableTargets();
    await mapConcurrently([...groups.values()], CONCURRENCY, async (indexes) => {
      for (const index of indexes) {
        const event = events[index];
        const row = byId.get(event.payload.id);
        if (!row) {
          outcomes[index] = Outcomes.skipped('not a cht-relay message');
          continue;
        }
        await this.apply(row, event.payload);
        outcomes[index] =
          row.source === 'rapidpro'
            ? await this.callback(row, event.payload.status, unavailable)
            : Outcomes.done();
      }
    });
    return outcomes;
  }

  private async apply(row: OutboundRow, event: MessageStatusChangedV1): Promise<void> {
    if (!isForward(row.status, event.status)) return;
    const reason = event.detail?.reason;
    const updated = await this.messages.updateStatus(row.message_id, {
      status: event.status,
      reason: typeof reason === 'string' ? reason.slice(0, 500) : null,
      at: event.at,
    });
    if (updated) Object.assign(row, updated);
  }

  private async callback(
    row: OutboundRow,
    status: string,
    unavailable: UnavailableTargets,
  ): Promise<Outcome> {
    const kind = toExCallback(status);
    if (!kind) return Outcomes.done();
    if ((CALLBACK_RANK[row.reported_status ?? ''] ?? 0) >= CALLBACK_RANK[kind])
      return Outcomes.skipped(`RapidPro already told ${row.reported_status}`);
    const channel = row.rapidpro_channel
      ? await this.settings.rapidProChannel(row.rapidpro_channel)
      : undefined;
    if (!channel || !row.external_ref) return Outcomes.skipped('RapidPro channel no longer configured');
    const ref = row.external_ref.split('#')[0] ?? row.external_ref;
    const down = unavailable.reasonFor(channel.uuid);
    if (down) return Outcomes.retry(down);
    const exchange = await this.http.send({
      method: 'POST',
      url: joinUrl(channel.rapidproUrl, `/c/ex/${channel.uuid}/${kind}`),
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: formBody({ [row.ref_field ?? 'id']: ref }),
    });
    if (!exchange.ok) {
      forwardResults.inc({ kind: 'rapidpro-status', result: 'retry' });
      const reason = `RapidPro status callback: ${exchange.error.message}`;
      unavailable.markDown(channel.uuid, reason);
      return Outcomes.retry(reason);
    }
    const { status: code, body } = exchange.response;
    if (isSuccess(code)) {
      forwardResults.inc({ kind: 'rapidpro-status', result: 'ok' });
      await this.messages.setReportedStatus(row.message_id, kind);
      row.reported_status = kind;
      return Outcomes.done();
    }
    if (code >= 500 || code === 429 || code === 408) {
      forwardResults.inc({ kind: 'rapidpro-status', result: 'retry' });
      const reason = `RapidPro status callback answered ${code}`;
      unavailable.markDown(channel.uuid, reason);
      return Outcomes.retry(reason);
    }
    forwardResults.inc({ kind: 'rapidpro-status', result: 'refused' });
    return Outcomes.deadLetter(`RapidPro refused the ${kind} callback: ${code} ${excerpt(body)}`);
  }
}
