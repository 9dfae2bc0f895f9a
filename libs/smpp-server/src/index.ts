export * from './ports';
export * from './throughput';
export * from './registry';
export * from './decode-status';
export * from './submit-validation';
export * from './deliver';
export * from './server-session';
export * from './server';
