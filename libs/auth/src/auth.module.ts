import { Global, Module } from '@nestjs/common';
import { WorkspaceAuthGuard } from './workspace-auth.guard';
import { WorkspaceKeys } from './workspace-keys';

@Global()
@Module({ providers: [WorkspaceKeys, WorkspaceAuthGuard], exports: [WorkspaceKeys, WorkspaceAuthGuard] })
export class AuthModule {}
