import {
  BadRequestException,
  ConflictException,
  Inject,
  Injectable,
  UnprocessableEntityException,
} from '@nestjs/common';
import { attachmentsRefusal, quickRepliesRefusal } from '@smsgate/channel-config';
import { EgressGuard } from '@smsgate/egress';
import { Attachment, MessageStatus, OutboundRequestedV1, Topics, uuidv7 } from '@smsgate/contracts';
import { EventPublisher } from '@smsgate/kafka';
import type { TraceContext } from '@smsgate/runtime';
import { ProfilesRepository } from '@smsgate/db';
import { normalizePhone, type PhoneResult } from '@smsgate/sms';
import { createHash } from 'node:crypto';
import { ChannelsService } from '../channels/channels.service';
import { INGRESS_CONFIG, IngressConfig } from '../config';
import { PlannedSend, SendRequestsStore } from './send-requests.store';
import { placeholderNames, substitute, type Substitution } from './placeholders';

export const MAX_DESTINATIONS = 1_000;

export interface Destination {
  to: string;
  variables?: Record<string, string>;
  correlationId?: string;
}

interface Addressed {
  command: SendCommand;
  destination: Destination;
  phone: PhoneResult;
}

export interface SendCommand {
  workspace: string;
  destinations: Destination[];
  text: string;
  channel?: string;
  from?: string;
  correlationId?: string;
  notifyUrl?: string;
  expiresAt?: string;
  priority?: 'high' | 'normal' | 'bulk';
  metadata?: Record<string, string>;
  notifyFormat?: 'smsgate' | 'imiconnect';
  /** The statuses called back to notifyUrl; every change when absent. */
  notifyOn?: MessageStatus[];
  callbackData?: string;
  /** Shown by the channel with the message; only a channel that shows them takes them. */
  quickReplies?: string[];
  /** Files sent with the text (or alone), by URL; a channel named must be able to carry them. */
  attachments?: Attachment[];
  /** The request's span, which the events continue (see traceOf). */
  trace?: TraceContext;
  /**
   * A last step on each message's text once its variables are filled (IMIconnect's smartlinks become
   * the message's own short URLs); it may refuse that destination with a reason.
   */
  finishText?: (text: string, messageId: string) => Substitution;
}

export type DestinationResult =
  | { ok: true; id: string; to: string; correlationId?: string }
  | { ok: false; to: string; reason: string; correlationId?: string };

/** How a request may be repeated: its key (Idempotency-Key, or derived) and what it asked. */
export interface Repeatable {
  key: string;
  fingerprint: string;
}

export interface SendOutcome {
  results: DestinationResult[];
  /** The answer of an earlier request with the same key: nothing new was sent. */
  replayed: boolean;
}

/**
 * Kafka did not confirm the events in time (or failed after they may have been sent): they may still
 * go out. Never a "retry": with a key, repeating the request settles it without a second send.
 */
export class OutcomeUnknownError extends Error {
  constructor(
    readonly results: DestinationResult[],
    readonly repeatable: boolean,
    cause: unknown,
  ) {
    super(`publish outcome unknown: ${cause instanceof Error ? cause.message : String(cause)}`);
  }
}

/**
 * Turns send requests into one `sms.outbound.requested.v1` event per valid destination and answers
 * only once Kafka acknowledged all of them. Invalid destinations are reported with a reason; the valid
 * ones still go. A repeatable request is claimed by its key first: a repeat gets the first answer,
 * and a repeat of one whose publish was never confirmed publishes the first one's events (same
 * message ids, applied once by consumers) instead of new ones.
 */
@Injectable()
export class SendMessages {
  /** A repeat younger than this may race the first request, still waiting for Kafka. */
  private readonly inProgressMs: number;
  /** The dispatcher's egress policy (same EGRESS_ALLOW), for the static check of attachment URLs. */
  private readonly egress: EgressGuard;

  constructor(
    private readonly channels: ChannelsService,
    private readonly publisher: EventPublisher,
    private readonly requests: SendRequestsStore,
    @Inject(INGRESS_CONFIG) config: IngressConfig,
    private readonly profiles: ProfilesRepository,
  ) {
    this.inProgressMs = config.KAFKA_PUBLISH_TIMEOUT_MS + 2_000;
    this.egress = new EgressGuard({ allowHosts: config.EGRESS_ALLOW });
  }

  async execute(command: SendCommand, repeat?: Repeatable): Promise<SendOutcome> {
    return this.accept(command.workspace, await this.plan(command), repeat, command.trace);
  }

  /** Validates one request and builds its events, with new message ids; publishes nothing. */
  plan(command: SendCommand): Promise<PlannedSend> {
    return this.planAll([command]);
  }

  /**
   * Validates the requests of one workspace (an IMIconnect batch) and builds their events. Placeholders a
   * destination leaves open are filled from its profile: one read for them all, none when none is open.
   */
  async planAll(commands: SendCommand[]): Promise<PlannedSend> {
    const addressed: Addressed[] = [];
    const wanted = new Set<string>();
    for (const command of commands) {
      if (command.destinations.length > MAX_DESTINATIONS) {
        throw new BadRequestException(`at most ${MAX_DESTINATIONS} destinations per request`);
      }
      // The provider (or the phone) fetches the files, not smsgate; still, an address the operator's
      // own policy refuses (loopback, private, metadata) is refused here, as a channel URL is on save.
      for (const [index, attachment] of (command.attachments ?? []).entries()) {
        const refusal = this.egress.staticRefusal(attachment.url);
        if (refusal) throw new BadRequestException(`attachments.${index}.url: ${refusal}`);
      }
      let country: string | undefined;
      if (command.channel) {
        const channel = await this.channels.findForSend(command.workspace, command.channel);
        if (!channel) throw new BadRequestException(`unknown channel ${command.channel}`);
        const refusal = command.quickReplies && quickRepliesRefusal(channel);
        if (refusal) throw new BadRequestException(`quickReplies: ${refusal}`);
        const noFiles = attachmentsRefusal(channel, command.attachments);
        if (noFiles) throw new BadRequestException(`attachments: ${noFiles}`);
        country = channel.country ?? undefined;
      }
      const names = placeholderNames(command.text);
      for (const destination of command.destinations) {
        const phone = normalizePhone(destination.to, country);
        addressed.push({ command, destination, phone });
        const variables = destination.variables ?? {};
        if (phone.ok && names.some((name) => !Object.prototype.hasOwnProperty.call(variables, name)))
          wanted.add(phone.e164);
      }
    }
    const profiles =
      wanted.size > 0 ? await this.profiles.fieldsOf(commands[0].workspace, [...wanted]) : new Map();
    const results: DestinationResult[] = [];
    const events: OutboundRequestedV1[] = [];
    for (const { command, destination, phone } of addressed) {
      const correlationId = destination.correlationId ?? command.correlationId;
      if (!phone.ok) {
        results.push({ ok: false, to: destination.to, reason: phone.reason, correlationId });
        continue;
      }
      const profile = profiles.get(phone.e164) as Record<string, string> | undefined;
      const text = substitute(
        command.text,
        { ...profile, ...destination.variables },
        command.attachments !== undefined,
      );
      if (!text.ok) {
        results.push({ ok: false, to: phone.e164, reason: text.reason, correlationId });
        continue;
      }
      const id = uuidv7();
      const finished = command.finishText ? command.finishText(text.text, id) : text;
      if (!finished.ok) {
        results.push({ ok: false, to: phone.e164, reason: finished.reason, correlationId });
        continue;
      }
      results.push({ ok: true, id, to: phone.e164, correlationId });
      events.push({
        id,
        workspace: command.workspace,
        channel: command.channel,
        to: phone.e164,
        from: command.from,
        text: finished.text,
        correlationId,
        notifyUrl: command.notifyUrl,
        expiresAt: command.expiresAt,
        priority: command.priority ?? 'normal',
        metadata: command.metadata,
        notifyFormat: command.notifyFormat,
        notifyOn: command.notifyOn,
        callbackData: command.callbackData,
        quickReplies: command.quickReplies,
        attachments: command.attachments,
      });
    }
    return { results, events };
  }

  /** Publishes planned events, once per key when the request is repeatable. */
  async accept(
    workspace: string,
    planned: PlannedSend,
    repeat?: Repeatable,
    trace?: TraceContext,
  ): Promise<SendOutcome> {
    // Nothing to send (every destination refused): the same answer is computed again on a repeat.
    if (!repeat || planned.events.length === 0) {
      await this.publish(planned, false, trace);
      return { results: planned.results, replayed: false };
    }
    const claim = await this.requests.claim(workspace, repeat.key, repeat.fingerprint, planned);
    switch (claim.kind) {
      case 'mismatch':
        throw new UnprocessableEntityException(
          'this Idempotency-Key was used with a different request: use a new key for a new request',
        );
      case 'accepted':
        return { results: claim.planned.results, replayed: true };
      case 'unsettled':
        if (claim.ageMs < this.inProgressMs)
          throw new ConflictException(
            'the first request with this key is still waiting for Kafka: repeat it in a few seconds',
          );
        await this.publish(claim.planned, true, trace);
        await this.requests.markAccepted(workspace, repeat.key);
        return { results: claim.planned.results, replayed: true };
      case 'claimed':
        await this.publish(planned, true, trace);
        await this.requests.markAccepted(workspace, repeat.key);
        return { results: planned.results, replayed: false };
    }
  }

  private async publish(planned: PlannedSend, repeatable: boolean, trace?: TraceContext): Promise<void> {
    if (planned.events.length === 0) return;
    try {
      await this.publisher.publishAll(
        Topics.outboundRequested,
        planned.events.map((event) => ({ payload: event, key: event.id, trace })),
      );
    } catch (error) {
      throw new OutcomeUnknownError(planned.results, repeatable, error);
    }
  }
}

/**
 * How a request may be repeated: by its Idempotency-Key, else (when it carries a correlation id) as
 * the same request, by what it asked; else not.
 */
export function repeatableOf(
  api: string,
  body: unknown,
  idempotencyKey: string | undefined,
  correlated: boolean,
): Repeatable | undefined {
  // Hashing the canonical body costs a request as much as its phone numbers: only when repeatable.
  if (!idempotencyKey && !correlated) return undefined;
  const fingerprint = fingerprintOf(api, body);
  if (idempotencyKey) return { key: `key:${idempotencyKey}`, fingerprint };
  return { key: `same:${fingerprint}`, fingerprint };
}

/** The answer when Kafka did not confirm in time: honest about it, never "retry" without a key. */
export function unknownOutcomeReason(repeat: Repeatable | undefined): string {
  const unknown = 'Kafka did not confirm the messages in time: they may still go out.';
  if (repeat?.key.startsWith('key:'))
    return `${unknown} Repeat this request with the same Idempotency-Key to settle it: nothing is sent twice.`;
  if (repeat)
    return `${unknown} Repeat exactly this request (it carries a correlation id) to settle it: nothing is sent twice.`;
  return (
    `${unknown} Do not send them again: look them up by id. ` +
    'Send with an Idempotency-Key header to be able to repeat a request safely.'
  );
}

/** What a request asked, independent of key order and spacing: a repeat is recognised by it. */
export function fingerprintOf(api: string, body: unknown): string {
  return createHash('sha256').update(api).update('\n').update(canonicalJson(body)).digest('base64url');
}

function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object')
    return `{${Object.keys(value)
      .sort()
      .map((key) => `${JSON.stringify(key)}:${canonicalJson((value as Record<string, unknown>)[key])}`)
      .join(',')}}`;
  return JSON.stringify(value) ?? 'null';
}

/** An Idempotency-Key header: 1 to 255 visible ASCII characters. */
export function idempotencyKeyOf(header: string | undefined): string | undefined {
  if (header === undefined) return undefined;
  if (!/^[\x21-\x7e]{1,255}$/.test(header))
    throw new BadRequestException('Idempotency-Key must be 1 to 255 visible ASCII characters');
  return header;
}
