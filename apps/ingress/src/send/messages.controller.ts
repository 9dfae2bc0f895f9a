import {
  BadRequestException,
  Body,
  Controller,
  Headers,
  HttpCode,
  Post,
  Req,
  Res,
  UseGuards,
} from '@nestjs/common';
import { AuthenticatedWorkspace, CurrentWorkspace, WorkspaceAuthGuard } from '@smsgate/auth';
import { traceOf } from '@smsgate/runtime';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { z } from 'zod';
import { parseBody } from '../zod-body';
import {
  DestinationResult,
  idempotencyKeyOf,
  OutcomeUnknownError,
  repeatableOf,
  unknownOutcomeReason,
  SendMessages,
} from './send-messages.use-case';
import { SendBody } from './send.input';
import { SendAnswer } from './send.routes';
import { TemplateTexts } from './template-texts';

const view = (result: DestinationResult): z.output<typeof SendAnswer>['messages'][number] =>
  result.ok
    ? { id: result.id, to: result.to, status: 'accepted' as const, correlationId: result.correlationId }
    : {
        to: result.to,
        status: 'rejected' as const,
        reason: result.reason,
        correlationId: result.correlationId,
      };

@Controller('v1/messages')
@UseGuards(WorkspaceAuthGuard)
export class MessagesController {
  constructor(
    private readonly sendMessages: SendMessages,
    private readonly templateTexts: TemplateTexts,
  ) {}

  /**
   * Accepts messages for sending; 202 once every accepted one is durably on Kafka. Repeatable with an
   * Idempotency-Key (or, without one, the same request with a correlation id): a repeat answers the
   * first request's answer (`Idempotent-Replayed: true`) and sends nothing new.
   */
  @Post()
  @HttpCode(202)
  async send(
    @CurrentWorkspace() workspace: AuthenticatedWorkspace,
    @Body() body: unknown,
    @Headers('idempotency-key') idempotencyKey: string | undefined,
    @Res({ passthrough: true }) reply: FastifyReply,
    @Req() request: FastifyRequest,
  ) {
    const key = idempotencyKeyOf(idempotencyKey);
    const input = parseBody(SendBody, body);
    // No await without a template: the single-message path keeps its async frames.
    const text =
      input.text ??
      (input.template === undefined ? '' : await this.templateTexts.textOf(workspace.id, input.template));
    const destinations = (Array.isArray(input.to) ? input.to : [input.to]).map((entry) =>
      typeof entry === 'string'
        ? { to: entry, variables: input.variables }
        : { ...entry, variables: { ...input.variables, ...entry.variables } },
    );
    const correlated =
      input.correlationId !== undefined || destinations.some((destination) => 'correlationId' in destination);
    const repeat = repeatableOf('v1/messages', body, key, correlated);
    let outcome;
    try {
      outcome = await this.sendMessages.execute(
        {
          ...input,
          text,
          notifyOn: input.notifyOn && [...new Set(input.notifyOn)],
          workspace: workspace.id,
          destinations,
          trace: traceOf(request),
        },
        repeat,
      );
    } catch (error) {
      if (!(error instanceof OutcomeUnknownError)) throw error;
      void reply.status(504);
      return {
        statusCode: 504,
        outcome: 'unknown',
        message: unknownOutcomeReason(repeat),
        messages: error.results.map((result) =>
          result.ok ? { ...view(result), status: 'unknown' as const } : view(result),
        ),
      };
    }
    const messages = outcome.results.map(view);
    if (!outcome.results.some((result) => result.ok)) {
      throw new BadRequestException({ statusCode: 400, message: 'no valid destination', messages });
    }
    if (outcome.replayed) void reply.header('idempotent-replayed', 'true');
    return { messages };
  }
}
