import { BadRequestException, Body, Controller, Get, Headers, Post, Query, UseGuards } from '@nestjs/common';
import { ChtMessageFilters, ChtMessagesRepository } from '@smsgate/db';
import { CreateBroadcastUseCase, fieldError } from './create-broadcast.use-case';
import { Caller, RapidProAuthGuard, type RapidProCaller } from './rapidpro-auth.guard';
import { broadcastView, messageView } from './rapidpro-views';

/** The text of a broadcast: a string, or translations keyed by language (base_language or the first). */
function textOf(body: Record<string, unknown>): string | undefined {
  const text = body.text;
  if (typeof text === 'string') return text.trim() === '' ? undefined : text;
  if (typeof text === 'object' && text !== null && !Array.isArray(text)) {
    const translations = text as Record<string, unknown>;
    const base = typeof body.base_language === 'string' ? translations[body.base_language] : undefined;
    const chosen = base ?? Object.values(translations)[0];
    return typeof chosen === 'string' && chosen.trim() !== '' ? chosen : undefined;
  }
  return undefined;
}

/**
 * The part of RapidPro's API v2 that CHT's `rapidpro` outgoing service calls: creating broadcasts and
 * reading their messages' statuses.
 */
@Controller('api/v2')
@UseGuards(RapidProAuthGuard)
export class RapidProApiController {
  constructor(
    private readonly createBroadcast: CreateBroadcastUseCase,
    private readonly messageRows: ChtMessagesRepository,
  ) {}

  /** 201 for a new broadcast and for a repeat of one (CHT only reads the body). */
  @Post('broadcasts.json')
  async broadcast(
    @Caller() caller: RapidProCaller,
    @Body() body: unknown,
    @Headers('idempotency-key') idempotencyKey: string | undefined,
  ) {
    if (typeof body !== 'object' || body === null || Array.isArray(body))
      throw fieldError('non_field_errors', 'Invalid data. Expected a dictionary.');
    const fields = body as Record<string, unknown>;
    const text = textOf(fields);
    if (text === undefined) throw fieldError('text', 'This field is required.');
    if (text.length > 10_000)
      throw fieldError('text', 'Ensure this field has no more than 10000 characters.');
    if (fields.contacts !== undefined || fields.groups !== undefined)
      throw fieldError('non_field_errors', 'Only urns are supported as recipients.');
    const urns = fields.urns;
    if (urns === undefined || (Array.isArray(urns) && urns.length === 0))
      throw fieldError('non_field_errors', 'Must provide either urns, contacts or groups.');
    if (!Array.isArray(urns) || !urns.every((urn) => typeof urn === 'string'))
      throw fieldError('urns', 'Expected a list of items.');
    if (urns.length > 100) throw fieldError('urns', 'Ensure this field has no more than 100 elements.');
    if (idempotencyKey !== undefined && (idempotencyKey.length === 0 || idempotencyKey.length > 128))
      throw new BadRequestException('Idempotency-Key must be 1 to 128 characters');

    const result = await this.createBroadcast.execute({
      workspaceId: caller.workspaceId,
      target: caller.target,
      urns: urns,
      text,
      idempotencyKey,
    });
    return broadcastView(result.broadcast, result.messages);
  }

  @Get('messages.json')
  async messages(@Caller() caller: RapidProCaller, @Query() query: Record<string, unknown>) {
    const filters: ChtMessageFilters = {};
    const add = (name: string, filter: keyof ChtMessageFilters, pattern: RegExp, message: string) => {
      const value = query[name];
      if (value === undefined) return;
      if (typeof value !== 'string' || !pattern.test(value)) throw new BadRequestException(message);
      filters[filter] = value;
    };
    add('broadcast', 'broadcast', /^\d{1,18}$/, 'Value for broadcast must be an integer.');
    add('id', 'seq', /^\d{1,18}$/, 'Value for id must be an integer.');
    add(
      'uuid',
      'messageId',
      /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i,
      'Value for uuid must be a valid UUID.',
    );
    const rows = await this.messageRows.findPage(caller.workspaceId, filters);
    return { next: null, previous: null, results: rows.map(messageView) };
  }
}
