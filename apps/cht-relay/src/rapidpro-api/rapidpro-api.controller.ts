import { BadRequestException, Body, Controller, Get, Headers, Post, Query, UseGuards } from '@nestjs/common';
import { ChtMessagesRepository } from '@smsgate/db';
import { z } from 'zod';
import { CreateBroadcastUseCase, fieldError } from './create-broadcast.use-case';
import { Caller, RapidProAuthGuard, type RapidProCaller } from './rapidpro-auth.guard';
import { BroadcastBody, broadcastFieldError, BroadcastHeaders, MessagesQuery } from './rapidpro-api.input';
import { broadcastView, messageView, MessagesAnswer } from './rapidpro-views';

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
    const input = BroadcastBody.safeParse(body);
    if (!input.success) {
      const { field, message } = broadcastFieldError(input.error);
      throw fieldError(field, message);
    }
    const headers = BroadcastHeaders.safeParse({ 'idempotency-key': idempotencyKey });
    if (!headers.success) throw new BadRequestException(headers.error.issues[0].message);

    const result = await this.createBroadcast.execute({
      workspaceId: caller.workspaceId,
      target: caller.target,
      urns: input.data.urns,
      text: input.data.text,
      idempotencyKey: headers.data['idempotency-key'],
    });
    return broadcastView(result.broadcast, result.messages);
  }

  @Get('messages.json')
  async messages(
    @Caller() caller: RapidProCaller,
    @Query() query: Record<string, unknown>,
  ): Promise<z.output<typeof MessagesAnswer>> {
    const filters = MessagesQuery.safeParse(query);
    if (!filters.success) throw new BadRequestException(filters.error.issues[0].message);
    const { broadcast, id, uuid } = filters.data;
    const rows = await this.messageRows.findPage(caller.workspaceId, { broadcast, seq: id, messageId: uuid });
    return { next: null, previous: null, results: rows.map(messageView) };
  }
}
