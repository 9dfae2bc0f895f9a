export * from './config/load-config';
export * from './config/fragments';
export * from './logging/logger';
export * from './health/readiness';
export * from './http-error.filter';
export * from './bootstrap';
export * from './micro-batcher';
