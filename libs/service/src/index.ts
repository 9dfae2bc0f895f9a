// What every smsgate service stands on: its environment, its root module's imports, how it runs.
export * from './service-env';
export * from './service-module';
export * from './run-service';
