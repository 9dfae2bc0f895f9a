import { Controller, Get, Inject, UseGuards } from '@nestjs/common';
import type { SmppServerSession } from '@smsgate/smpp-server';
import { AdminTokenGuard } from '@smsgate/auth';
import { z } from 'zod';
import { SMPP_SERVER_CONFIG } from '../config';
import { SmppListener } from '../server/smpp-listener';
import { SessionsAnswer } from './sessions.routes';
import type { SmppServerConfig } from '../config';

/** The ESME binds this replica holds, for operators (admin token). */
@Controller('v1/smpp-server/sessions')
@UseGuards(AdminTokenGuard)
export class SessionsController {
  constructor(
    private readonly listener: SmppListener,
    @Inject(SMPP_SERVER_CONFIG) private readonly config: SmppServerConfig,
  ) {}

  @Get()
  list(): z.output<typeof SessionsAnswer> {
    const sessions = new Map<string, SmppServerSession>(
      [...this.listener.server.sessions].map((session) => [session.id, session]),
    );
    return {
      sessions: this.listener.server.registry.list().map((bind) => {
        const session = sessions.get(bind.sessionId);
        return {
          id: bind.sessionId,
          account: bind.systemId,
          accountId: bind.accountId,
          mode: bind.mode,
          remoteAddress: bind.remoteAddress,
          boundAt: bind.boundAt.toISOString(),
          submitsInFlight: session?.outstanding ?? 0,
          window: this.config.SMPP_WINDOW,
          deliverCapacity: session?.deliverCapacity ?? 0,
        };
      }),
    };
  }
}
