import { ADMIN_TOKEN, AdminTokenGuard, AuthModule } from '@smsgate/auth';
import { DeadLetters } from '@smsgate/kafka';
import { smsgateServiceModule } from '@smsgate/service';
import { CONSOLE_CONFIG, ConsoleConfig } from './config';
import { DeadLettersController } from './dead-letters/dead-letters.controller';
import { BindsController } from './binds/binds.controller';
import { Callers } from './session/caller';
import { WhoAmIController } from './session/whoami.controller';

/**
 * The operator console (docs/console.md): its pages, the routes of the other services it uses passed on
 * under one base URL (gateway/forwarded.routes.ts), and what no other service holds: every replica's SMSC
 * connections and the dead-letter topic.
 */
export class ConsoleModule extends smsgateServiceModule<ConsoleConfig>(
  'console',
  CONSOLE_CONFIG,
  (config) => ({
    imports: [AuthModule.forRoot({ adminToken: config.ADMIN_TOKEN })],
    controllers: [WhoAmIController, BindsController, DeadLettersController],
    providers: [
      { provide: ADMIN_TOKEN, useValue: config.ADMIN_TOKEN },
      AdminTokenGuard,
      Callers,
      DeadLetters,
    ],
  }),
) {}
