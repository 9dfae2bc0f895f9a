import {
  BadRequestException,
  Body,
  Controller,
  GatewayTimeoutException,
  Get,
  HttpCode,
  Inject,
  Post,
  Query,
  UseGuards,
} from '@nestjs/common';
import { AdminTokenGuard } from '@smsgate/auth';
import { describeIssues, DeadLetterV1 } from '@smsgate/contracts';
import { DeadLetters, ReplayFilter } from '@smsgate/kafka';
import { z } from 'zod';
import { CONSOLE_CONFIG, ConsoleConfig } from '../config';
import { DeadLetterPage, ReplayOutcome } from '../console.routes';
import { BrowseDeadLettersQuery, ReplayDeadLettersBody } from './dead-letters.input';

/**
 * The dead-letter topic, for operators (admin token: letters belong to no workspace): browse it, look at a
 * letter's payload, replay letters to the topics they came from — `npm run dlq:replay`'s logic.
 */
@Controller('v1/dead-letters')
@UseGuards(AdminTokenGuard)
export class DeadLettersController {
  constructor(
    private readonly deadLetters: DeadLetters,
    @Inject(CONSOLE_CONFIG) private readonly config: ConsoleConfig,
  ) {}

  @Get()
  async browse(@Query() query: unknown): Promise<z.output<typeof DeadLetterPage>> {
    const { limit, ...filter } = parse(BrowseDeadLettersQuery, query ?? {});
    const report = await this.reading(() =>
      this.deadLetters.browse(filterOf(filter), limit, this.config.DEAD_LETTER_READ_TIMEOUT_MS),
    );
    return {
      scanned: report.scanned,
      matched: report.matched,
      results: report.letters.map(letterView),
      unusable: report.unusable,
    };
  }

  @Post('replay')
  @HttpCode(200)
  async replay(@Body() body: unknown): Promise<z.output<typeof ReplayOutcome>> {
    if (body === null || typeof body !== 'object' || Array.isArray(body))
      throw new BadRequestException('request body must be a JSON object');
    const { ids, limit, dryRun, ...filter } = parse(ReplayDeadLettersBody, body);
    return this.reading(() =>
      this.deadLetters.replay(
        { ...filterOf(filter), ids },
        { dryRun, limit, timeoutMs: this.config.DEAD_LETTER_READ_TIMEOUT_MS },
      ),
    );
  }

  private async reading<T>(read: () => Promise<T>): Promise<T> {
    try {
      return await read();
    } catch (error) {
      if (/took longer than/.test((error as Error).message))
        throw new GatewayTimeoutException(
          `reading the dead-letter topic took longer than ${this.config.DEAD_LETTER_READ_TIMEOUT_MS} ms; nothing was replayed`,
        );
      throw error;
    }
  }
}

function parse<S extends z.ZodType>(schema: S, input: unknown): z.output<S> {
  const result = schema.safeParse(input);
  if (!result.success) throw new BadRequestException(describeIssues(result.error));
  return result.data;
}

function filterOf(filter: {
  topic?: string;
  group?: string;
  reason?: string;
  since?: string;
  until?: string;
}): ReplayFilter {
  return {
    sourceTopic: filter.topic,
    group: filter.group,
    reason: filter.reason === undefined ? undefined : new RegExp(filter.reason),
    since: filter.since === undefined ? undefined : new Date(filter.since),
    until: filter.until === undefined ? undefined : new Date(filter.until),
  };
}

/** A letter as shown: its record, and its payload read as JSON when it is JSON text. */
function letterView(letter: DeadLetterV1): z.output<typeof DeadLetterPage>['results'][number] {
  let json: unknown = null;
  if (letter.valueEncoding === 'utf8') {
    try {
      json = JSON.parse(letter.value);
    } catch {
      json = null;
    }
  }
  return {
    id: letter.id,
    sourceTopic: letter.sourceTopic,
    group: letter.group,
    partition: letter.partition,
    offset: letter.offset,
    key: letter.key ?? null,
    reason: letter.reason,
    attempts: letter.attempts,
    failedAt: letter.failedAt,
    headers: letter.headers,
    value: letter.value,
    valueEncoding: letter.valueEncoding,
    json,
  };
}
