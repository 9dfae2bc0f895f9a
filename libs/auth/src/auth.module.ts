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
    return {
      module: AuthModule,
      providers: [
        WorkspaceKeys,
        WorkspaceAuthGuard,
        ...(options.adminToken ? [{ provide: ADMIN_TOKEN, useValue: options.adminToken }] : []),
      ],
      exports: [WorkspaceKeys, WorkspaceAuthGuard],
    };
  }
}
