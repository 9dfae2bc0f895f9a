import { Inject, Injectable } from '@nestjs/common';
import { MAX_OUTBOUND_TEXT } from '@smsgate/contracts';
import { NewSmartlinkCode, SmartlinksRepository } from '@smsgate/db';
import { INGRESS_CONFIG, IngressConfig } from '../config';
import { LINK_PLACEHOLDER, newCode, parseSmartlinks, unfilledPlaceholder } from './smartlink-text';

/** What a send request carries for smartlinks: `channels.smartlinks` and its text. */
export interface SmartlinkRequest {
  smartlinks: unknown;
  text: unknown;
}

type Result =
  | { ok: true; id: string; to: string; correlationId?: string }
  | { ok: false; to: string; reason: string; correlationId?: string };

/** One request's planned sends, shaped as SendMessages plans them. */
interface Planned<E extends { id?: string; text: string }> {
  results: Result[];
  events: E[];
}

/**
 * The smartlinks of one HTTP request (one or a batch of send requests): fills each message's
 * `{{link_<id>}}` with its own short URL and keeps the codes until `save`, which writes them all in one
 * statement before the request is answered.
 */
export class SmartlinkBatch {
  private readonly codes: NewSmartlinkCode[] = [];

  constructor(
    private readonly workspaceId: string,
    private readonly perRequest: Array<Map<string, number>>,
    private readonly baseUrl: string,
    private readonly repository: SmartlinksRepository,
  ) {}

  /** Fills request `index`'s texts; a message too long once filled is refused with a reason. */
  expand<E extends { id?: string; text: string }>(index: number, planned: Planned<E>): void {
    const validity = this.perRequest[index];
    if (!validity || validity.size === 0) return;
    const refused = new Set<string>();
    for (const event of planned.events) {
      const messageId = event.id;
      if (messageId === undefined) continue;
      const codes = new Map<string, string>();
      const text = event.text.replace(LINK_PLACEHOLDER, (whole, id: string) => {
        if (!validity.has(id)) return whole;
        const code = codes.get(id) ?? newCode();
        codes.set(id, code);
        return `${this.baseUrl}${code}`;
      });
      if (text.length > MAX_OUTBOUND_TEXT) {
        refused.add(messageId);
        continue;
      }
      event.text = text;
      const now = Date.now();
      for (const [linkId, code] of codes)
        this.codes.push({
          code,
          workspaceId: this.workspaceId,
          linkId,
          messageId,
          expiresAt: new Date(now + validity.get(linkId)! * 60_000),
        });
    }
    if (refused.size === 0) return;
    planned.events = planned.events.filter((event) => event.id === undefined || !refused.has(event.id));
    planned.results = planned.results.map((result) =>
      result.ok && refused.has(result.id)
        ? {
            ok: false,
            to: result.to,
            reason: `the text is longer than ${MAX_OUTBOUND_TEXT} characters once its smartlinks are filled in`,
            correlationId: result.correlationId,
          }
        : result,
    );
  }

  /** Makes every code durable: the send is answered only after this. */
  async save(): Promise<void> {
    if (this.codes.length > 0) await this.repository.insertCodes(this.codes);
  }
}

export type PreparedSmartlinks = { ok: true; batch: SmartlinkBatch } | { ok: false; reason: string };

/** Checks a request's smartlinks against the workspace's; costs nothing to a request without any. */
@Injectable()
export class SmartlinkSends {
  private readonly baseUrl: string;
  private readonly none: SmartlinkBatch;

  constructor(
    private readonly repository: SmartlinksRepository,
    @Inject(INGRESS_CONFIG) config: IngressConfig,
  ) {
    this.baseUrl = `${config.publicUrl}/l/`;
    this.none = new SmartlinkBatch('', [], this.baseUrl, repository);
  }

  async prepare(workspaceId: string, requests: SmartlinkRequest[]): Promise<PreparedSmartlinks> {
    const used = requests.some(
      (request) =>
        request.smartlinks !== undefined ||
        (typeof request.text === 'string' && request.text.includes('{{link_')),
    );
    if (!used) return { ok: true, batch: this.none };
    const perRequest: Array<Map<string, number>> = [];
    for (const request of requests) {
      const parsed = parseSmartlinks(request.smartlinks);
      if (!parsed.ok) return parsed;
      const unfilled =
        typeof request.text === 'string' ? unfilledPlaceholder(request.text, parsed.validity) : undefined;
      if (unfilled) return { ok: false, reason: unfilled };
      perRequest.push(parsed.validity);
    }
    const named = [...new Set(perRequest.flatMap((validity) => [...validity.keys()]))];
    const known = new Set(named.length > 0 ? await this.repository.existing(workspaceId, named) : []);
    const unknown = named.find((id) => !known.has(id));
    if (unknown !== undefined) return { ok: false, reason: `unknown smartlink linkid ${unknown}` };
    return { ok: true, batch: new SmartlinkBatch(workspaceId, perRequest, this.baseUrl, this.repository) };
  }
}
