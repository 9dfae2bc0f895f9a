import { Controller, Get, Headers, Logger, Param, Res } from '@nestjs/common';
import { isStorable } from '@smsgate/contracts';
import { SmartlinksRepository, SmartlinkTarget } from '@smsgate/db';
import type { FastifyReply } from 'fastify';
import { isCode } from './smartlink-text';

const MAX_USER_AGENT = 256;

/**
 * `GET /l/<code>`, the short URL in a message: public, a 302 to its smartlink's URL. The click is
 * recorded (time, user agent; never the IP address) without holding up the redirect.
 */
@Controller('l')
export class ShortLinksController {
  private readonly logger = new Logger(ShortLinksController.name);

  constructor(private readonly links: SmartlinksRepository) {}

  /** `/l/` without a code: the browser still reads a line of text, not an API error. */
  @Get()
  async none(@Res() reply: FastifyReply): Promise<void> {
    await notFound(reply);
  }

  @Get(':code')
  async follow(
    @Param('code') code: string,
    @Headers('user-agent') userAgent: string | undefined,
    @Res() reply: FastifyReply,
  ): Promise<void> {
    const target = isCode(code) ? await this.links.target(code) : null;
    if (!target) {
      await notFound(reply);
    } else if (target.expired) {
      await textReply(reply).code(410).send('This link has expired.\n');
    } else {
      this.record(target, userAgent);
      await textReply(reply).code(302).header('location', target.url).send(`Redirecting to ${target.url}\n`);
    }
  }

  private record(target: SmartlinkTarget, userAgent: string | undefined): void {
    const agent = userAgent?.slice(0, MAX_USER_AGENT);
    this.links
      .insertClick(target, agent && isStorable(agent) ? agent : null)
      .catch((error: unknown) =>
        this.logger.warn(`click on message ${target.messageId} not recorded: ${(error as Error).message}`),
      );
  }
}

const textReply = (reply: FastifyReply) =>
  reply.header('cache-control', 'no-store').type('text/plain; charset=utf-8');
const notFound = (reply: FastifyReply) => textReply(reply).code(404).send('This link does not exist.\n');
