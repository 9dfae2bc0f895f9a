import { Body, Controller, Headers, HttpCode, HttpException, Post, Req, Res } from '@nestjs/common';
import { traceOf } from '@smsgate/runtime';
import { WorkspaceKeys } from '@smsgate/auth';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { Attachment, MAX_OUTBOUND_TEXT, OutboundRequestedV1 } from '@smsgate/contracts';
import {
  DestinationResult,
  idempotencyKeyOf,
  MAX_DESTINATIONS,
  OutcomeUnknownError,
  repeatableOf,
  unknownOutcomeReason,
  SendCommand,
  SendMessages,
} from './send-messages.use-case';
import { imiShapeProblem } from './imi-request';
import { TemplateTexts } from './template-texts';
import { SmartlinkSends } from '../smartlinks/smartlink-sends';

/** IMIconnect's response entry: `{code, description, transid?, correlationid?}`. */
export interface ImiResponseEntry {
  code: string;
  description: string;
  transid?: string;
  correlationid?: string;
}

export const imiError = (status: number, code: string, description: string) =>
  new HttpException({ response: [{ code, description }] }, status);

/** Errors on IMIconnect-compatible routes answer in IMIconnect's shape (7000 for a malformed body). */
export function imiErrorBody(
  request: FastifyRequest,
  status: number,
  reason: string,
  body?: object,
): unknown {
  if (!request.url.startsWith('/resources/')) return undefined;
  if (body && Array.isArray((body as { response?: unknown }).response)) return body;
  // A field the edge check refused (NUL, a lone surrogate) is a bad parameter, not bad JSON.
  if (status === 400 && body && 'field' in body) return { response: [{ code: '7003', description: reason }] };
  if (status === 400 || status === 415)
    return { response: [{ code: '7000', description: `Invalid JSON: ${reason}` }] };
  return { response: [{ code: String(status), description: reason }] };
}

interface ImiRequest {
  correlationid?: unknown;
  notifydata?: unknown;
  callbackData?: unknown;
  notifyurl?: unknown;
  expiry?: unknown;
  priority?: unknown;
  deliverychannel?: unknown;
  route?: unknown;
  conversationid?: unknown;
  channels?: {
    sms?: { text?: unknown; senderid?: unknown; type?: unknown; 'media-path'?: unknown; body?: unknown };
    smartlinks?: unknown;
  };
  destination?: unknown;
}

/** `channels.sms.type`: 1 text and 4 Unicode are one thing here (the text picks its encoding). */
const TEXT_TYPES = new Set([undefined, '', 1, '1', 4, '4']);

const str = (value: unknown): string | undefined =>
  typeof value === 'string' && value.trim() !== '' ? value : undefined;
const DESTINATION_FIELDS = new Set(['msisdn', 'correlationid']);

/** IMIconnect's priorities: 1 low, 2 medium, 3 high (its API reference); null for another value. */
function priorityOf(value: unknown): 'high' | 'normal' | 'bulk' | undefined | null {
  if (value === undefined || value === null || value === '') return undefined;
  if (typeof value !== 'string' && typeof value !== 'number') return null;
  return ({ '1': 'bulk', '2': 'normal', '3': 'high' } as const)[String(value).trim()] ?? null;
}

/**
 * IMIconnect's `expiry` is UTC without a zone (`2015-04-12T18:51:19`), or with one, whose hour may have one
 * digit (`2015-04-12T18:30:19.456+5:30`, its API reference).
 */
function expiryOf(value: unknown): string | undefined | null {
  const text = str(value)?.replace(/([+-])(\d):?(\d{2})$/, (_, sign, h, m) => `${sign}0${h}:${m}`);
  if (!text) return undefined;
  const iso = /[zZ]|[+-]\d{2}:?\d{2}$/.test(text) ? text : `${text}Z`;
  const date = new Date(iso);
  const year = date.getUTCFullYear();
  return Number.isNaN(date.getTime()) || year < 1 || year > 9999 ? null : date.toISOString();
}

/**
 * IMIconnect's messaging API (`POST /resources/v1/messaging`, `key` header), so an app written for
 * IMIconnect switches by changing its base URL. Single, batch (array) and `$(variable)` shapes.
 */
@Controller('resources/v1/messaging')
export class ImiMessagingController {
  constructor(
    private readonly keys: WorkspaceKeys,
    private readonly sendMessages: SendMessages,
    private readonly templateTexts: TemplateTexts,
    private readonly smartlinks: SmartlinkSends,
  ) {}

  /**
   * Every request of a batch is validated before any is sent, and all go to Kafka together. Repeatable
   * as POST /v1/messages is: an Idempotency-Key, or the same body with a `correlationid`.
   */
  @Post()
  @HttpCode(200)
  async send(
    @Headers('key') key: string | undefined,
    @Headers('idempotency-key') idempotencyKey: string | undefined,
    @Body() body: unknown,
    @Res({ passthrough: true }) reply: FastifyReply,
    @Req() httpRequest: FastifyRequest,
  ): Promise<{ response: ImiResponseEntry[] }> {
    if (!key) throw imiError(401, '7002', 'Service Key Missing');
    const workspace = await this.keys.resolve(key);
    if (!workspace) throw imiError(401, '7001', 'Authentication failed');
    if (typeof body !== 'object' || body === null) throw imiError(400, '7000', 'Invalid JSON');
    let repeatKey: string | undefined;
    try {
      repeatKey = idempotencyKeyOf(idempotencyKey);
    } catch (error) {
      throw imiError(400, '7003', (error as Error).message);
    }

    const requests = (Array.isArray(body) ? body : [body]) as ImiRequest[];
    if (!requests.every(isObject))
      throw imiError(400, '7000', 'Invalid JSON: each request must be an object');
    for (const request of requests) {
      const problem = imiShapeProblem(request);
      if (problem) throw imiError(400, '7003', problem);
    }
    const total = requests.reduce(
      (sum, request) => sum + destinationsOf(request).reduce((n, d) => n + d.msisdn.length, 0),
      0,
    );
    if (total > MAX_DESTINATIONS)
      throw imiError(400, '7009', `too many destinations: at most ${MAX_DESTINATIONS}`);

    const templates = await this.templateTexts.forImi(workspace.id, requests);
    if (!templates.ok) throw imiError(400, '7003', templates.reason);
    const links = await this.smartlinks.prepare(
      workspace.id,
      requests.map((request) => ({
        smartlinks: request.channels?.smartlinks,
        text: templates.byRequest.get(request)?.text ?? request.channels?.sms?.text,
      })),
    );
    if (!links.ok) throw imiError(400, '7003', links.reason);
    const commands: SendCommand[] = [];
    let correlated = false;
    for (const [index, request] of requests.entries()) {
      const templated = templates.byRequest.get(request);
      const problem = missingParameter(request, templated !== undefined) ?? invalidParameter(request);
      if (problem) throw imiError(400, '7003', problem);
      const expiresAt = expiryOf(request.expiry);
      if (expiresAt === null) throw imiError(400, '7003', "param 'expiry' is not a date");
      const priority = priorityOf(request.priority);
      if (priority === null)
        throw imiError(400, '7003', "param 'priority' must be 1 (low), 2 (medium) or 3 (high)");
      const destinations = destinationsOf(request).flatMap((destination) =>
        destination.msisdn.map((to) => ({
          to,
          correlationId: destination.correlationid ?? str(request.correlationid),
          variables: { ...templated?.parameters, ...destination.variables },
        })),
      );
      correlated ||= destinations.some((destination) => destination.correlationId !== undefined);
      const mediaPath = str(request.channels?.sms?.['media-path']);
      commands.push({
        workspace: workspace.id,
        destinations,
        // With a media-path the text may be left out: the file goes alone.
        text: templated?.text ?? str(request.channels?.sms?.text) ?? '',
        from: str(request.channels?.sms?.senderid),
        correlationId: str(request.correlationid),
        notifyUrl: str(request.notifyurl),
        expiresAt,
        priority,
        notifyFormat: 'imiconnect',
        callbackData: str(request.notifydata) ?? str(request.callbackData),
        finishText: links.batch.finisherFor(index),
        attachments: mediaPath === undefined ? undefined : [{ url: mediaPath }],
      });
    }
    const planned = await this.sendMessages.planAll(commands);
    const repeat = repeatableOf('resources/v1/messaging', body, repeatKey, correlated);
    await links.batch.save();
    try {
      const outcome = await this.sendMessages.accept(workspace.id, planned, repeat, traceOf(httpRequest));
      if (outcome.replayed) void reply.header('idempotent-replayed', 'true');
      return { response: outcome.results.map(entryOf) };
    } catch (error) {
      if (!(error instanceof OutcomeUnknownError)) throw error;
      // 504 and smsgate's code 7504 (not IMIconnect's): the outcome is not known, see the description.
      void reply.status(504);
      const description = unknownOutcomeReason(repeat);
      return {
        response: error.results.map((result) =>
          result.ok
            ? { code: '7504', description, transid: result.id, correlationid: result.correlationId }
            : entryOf(result),
        ),
      };
    }
  }
}

function entryOf(result: DestinationResult): ImiResponseEntry {
  return result.ok
    ? { code: '1001', description: 'Queued', transid: result.id, correlationid: result.correlationId }
    : {
        code: '7003',
        description: `msisdn ${result.to}: ${result.reason}`,
        correlationid: result.correlationId,
      };
}

interface ImiDestination {
  msisdn: string[];
  correlationid?: string;
  variables: Record<string, string>;
}

function destinationsOf(request: ImiRequest): ImiDestination[] {
  if (!Array.isArray(request.destination)) return [];
  return (request.destination as unknown[]).flatMap((entry) => {
    if (typeof entry !== 'object' || entry === null) return [];
    const record = entry as Record<string, unknown>;
    const msisdn = (Array.isArray(record.msisdn) ? record.msisdn : [record.msisdn]).filter(
      (value): value is string => typeof value === 'string' && value.trim() !== '',
    );
    // Other string fields of a destination are values for the text's $(variables).
    const variables = Object.fromEntries(
      Object.entries(record).filter(
        ([name, value]) => !DESTINATION_FIELDS.has(name) && typeof value === 'string',
      ),
    ) as Record<string, string>;
    return [{ msisdn, correlationid: str(record.correlationid), variables }];
  });
}

const isObject = (value: unknown): value is ImiRequest =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** Values the send path cannot carry, refused as IMIconnect refuses a bad parameter (7003). */
function invalidParameter(request: ImiRequest): string | undefined {
  const tooLong = (name: string, value: unknown, max: number) =>
    typeof value === 'string' && value.length > max
      ? `param '${name}' is longer than ${max} characters`
      : undefined;
  const notifyUrl = str(request.notifyurl);
  const mediaPath = str(request.channels?.sms?.['media-path']);
  return (
    tooLong('text', request.channels?.sms?.text, MAX_OUTBOUND_TEXT) ??
    tooLong('senderid', str(request.channels?.sms?.senderid), 32) ??
    tooLong('correlationid', str(request.correlationid), 128) ??
    tooLong('notifydata', str(request.notifydata), 1_024) ??
    tooLong('callbackData', str(request.callbackData), 1_024) ??
    destinationsOf(request)
      .map((destination) => tooLong('correlationid', destination.correlationid, 128))
      .find(Boolean) ??
    (notifyUrl !== undefined && !OutboundRequestedV1.shape.notifyUrl.safeParse(notifyUrl).success
      ? "param 'notifyurl' must be an http(s) URL"
      : undefined) ??
    (mediaPath !== undefined && !Attachment.shape.url.safeParse(mediaPath).success
      ? "param 'media-path' must be an http(s) URL of at most 2048 characters"
      : undefined) ??
    unsupportedParameter(request)
  );
}

/** IMIconnect parameters smsgate would otherwise accept and not act on: refused, never ignored. */
function unsupportedParameter(request: ImiRequest): string | undefined {
  const sms = request.channels?.sms;
  if (str(request.route))
    return "param 'route' is not supported: smsgate picks the channel by its routes (/v1/routes)";
  if (str(request.conversationid))
    return "param 'conversationid' is not supported: smsgate keeps no conversations";
  if (!TEXT_TYPES.has(sms?.type as string | number | undefined))
    return "param 'type' must be 1 (text) or 4 (Unicode): flash and binary messages are not supported";
  if (str(sms?.body)) return "param 'body' (binary content) is not supported: send text";
  return undefined;
}

function missingParameter(request: ImiRequest, templated: boolean): string | undefined {
  if (typeof request !== 'object' || request === null) return 'request must be a JSON object';
  const channel = str(request.deliverychannel);
  if (channel !== undefined && channel.toLowerCase() !== 'sms')
    return `deliverychannel '${channel}' is not supported: use sms`;
  // IMIconnect appends the media-path to the text: either may be left out, not both.
  if (!templated && !str(request.channels?.sms?.text) && !str(request.channels?.sms?.['media-path']))
    return "param 'text' missing for channel sms";
  const destinations = destinationsOf(request);
  if (destinations.length === 0 || destinations.some((d) => d.msisdn.length === 0)) {
    return 'any one of [customerid,msisdn,email, userid,pushid,psid, twitterid, wechatid] is mandatory';
  }
  return undefined;
}
