export * from './api-keys';
export * from './workspace-keys';
export * from './workspace-auth.guard';
export * from './auth.module';
export * from './admin-token.guard';
export * from './smpp-passwords';
