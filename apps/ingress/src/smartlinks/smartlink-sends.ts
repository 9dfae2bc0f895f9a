import { Inject, Injectable } from '@nestjs/common';
import { MAX_OUTBOUND_TEXT } from '@smsgate/contracts';
import { NewSmartlinkCode, SmartlinksRepository } from '@smsgate/db';
import { INGRESS_CONFIG, IngressConfig } from '../config';
import type { Substitution } from '../send/placeholders';
import { LINK_PLACEHOLDER, newCode, parseSmartlinks, unfilledPlaceholder } from './smartlink-text';

/** What a send request carries for smartlinks: `channels.smartlinks` and its text. */
export interface SmartlinkRequest {
  smartlinks: unknown;
  text: unknown;
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

  /**
   * How request `index`'s texts are finished: each message's `{{link_<id>}}` becomes its own short URL
   * (one code per link and message); a text too long once filled refuses that message. Undefined for a
   * request without smartlinks.
   */
  finisherFor(index: number): ((text: string, messageId: string) => Substitution) | undefined {
    const validity = this.perRequest[index];
    if (!validity || validity.size === 0) return undefined;
    return (text, messageId) => this.fill(text, messageId, validity);
  }

  private fill(template: string, messageId: string, validity: Map<string, number>): Substitution {
    const codes = new Map<string, string>();
    const text = template.replace(LINK_PLACEHOLDER, (whole, id: string) => {
      if (!validity.has(id)) return whole;
      const code = codes.get(id) ?? newCode();
      codes.set(id, code);
      return `${this.baseUrl}${code}`;
    });
    if (text.length > MAX_OUTBOUND_TEXT)
      return {
        ok: false,
        reason: `the text is longer than ${MAX_OUTBOUND_TEXT} characters once its smartlinks are filled in`,
      };
    const now = Date.now();
    for (const [linkId, code] of codes)
      this.codes.push({
        code,
        workspaceId: this.workspaceId,
        linkId,
        messageId,
        expiresAt: new Date(now + validity.get(linkId)! * 60_000),
      });
    return { ok: true, text };
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
