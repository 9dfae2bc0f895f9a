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
import { MessageStatus, Metadata, Priority, QuickReplies, Timestamp } from '@smsgate/contracts';
import { traceOf } from '@smsgate/runtime';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { parseBody } from '../zod-body';
import {
  DestinationResult,
  idempotencyKeyOf,
  MAX_DESTINATIONS,
  OutcomeUnknownError,
  repeatableOf,
  unknownOutcomeReason,
  SendMessages,
} from './send-messages.use-case';
import { TemplateId, TemplateTexts } from './template-texts';

const Variables = z.record(
  z
    .string()
    .regex(/^[A-Za-z_][A-Za-z0-9_.-]*$/, 'must be a variable name')
    .max(64),
  z.string().max(1_000),
);
const Number = z.string().trim().min(1).max(32);
const DestinationInput = z.union([
  Number,
  z
    .object({
      to: Number,
      variables: Variables.optional(),
      correlationId: z.string().min(1).max(128).optional(),
    })
    .strict(),
]);

const SendBody = z
  .object({
    to: z.union([Number, z.array(DestinationInput).min(1).max(MAX_DESTINATIONS)]),
    text: z.string().min(1).max(10_000).optional(),
    /** A stored template's id, whose body is the text (see /v1/templates). */
    template: TemplateId.optional(),
    channel: z.uuid().optional(),
    from: z.string().trim().min(1).max(32).optional(),
    correlationId: z.string().min(1).max(128).optional(),
    notifyUrl: z.url({ protocol: /^https?$/ }).optional(),
    /** The statuses called back to notifyUrl (default: every change), e.g. only the final ones. */
    notifyOn: z
      .array(MessageStatus.exclude(['received'], { error: 'must be an outbound message status' }))
      .min(1)
      .max(16)
      .optional(),
    expiresAt: Timestamp.optional(),
    priority: Priority.optional(),
    metadata: Metadata.optional(),
    /** Values for `$(name)` placeholders shared by every destination (a destination's own win). */
    variables: Variables.optional(),
    /** Shown with the message by an ex channel whose config uses `{{quick_replies}}` (RapidPro's). */
    quickReplies: QuickReplies.optional(),
  })
  .strict()
  .refine((body) => (body.text === undefined) !== (body.template === undefined), {
    path: ['text'],
    message: 'give a text or a template (one of them)',
  })
  .refine((body) => body.notifyOn === undefined || body.notifyUrl !== undefined, {
    path: ['notifyOn'],
    message: 'needs a notifyUrl to call back',
  })
  .refine((body) => body.quickReplies === undefined || body.channel !== undefined, {
    path: ['quickReplies'],
    message:
      'needs a channel that shows them (an ex channel using {{quick_replies}}): routing may pick one that cannot',
  });

const view = (result: DestinationResult) =>
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
    const text = input.text ?? (await this.templateTexts.textOf(workspace.id, input.template));
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
