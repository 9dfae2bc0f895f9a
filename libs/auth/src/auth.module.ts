import { DynamicModule, Global, Module } from '@nestjs/common';
import { ADMIN_TOKEN } from './admin-token.guard';
import { WorkspaceAuthGuard } from './workspace-auth.guard';
import { WorkspaceKeys } from './workspace-keys';

/**
 * Workspace authentication for a service's routes. With `adminToken`, the admin token also acts within
 * the workspace an `X-Smsgate-Workspace` header names (WorkspaceAuthGuard); without, only keys do.
 */
@Global()
@Module({})
export class AuthModule {
  static forRoot(options: { adminToken?: string } = {}): DynamicModule {
    // Guards named in @UseGuards are built in their controller's module: the token is exported (the
    // module is global) so WorkspaceAuthGuard finds it there too.
    const token = options.adminToken ? [{ provide: ADMIN_TOKEN, useValue: options.adminToken }] : [];
    return {
      module: AuthModule,
      providers: [WorkspaceKeys, WorkspaceAuthGuard, ...token],
      exports: [WorkspaceKeys, WorkspaceAuthGuard, ...(token.length > 0 ? [ADMIN_TOKEN] : [])],
    };
  }
}
