export * from './ports';
export * from './throughput';
export * from './registry';
export * from './decode-status';
export * from './submit-validation';
export * from './server-session';
export * from './server';
