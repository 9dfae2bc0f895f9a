export * from './link';
export * from './link-pool';
export * from './connect';
export * from './stx-etx-framer';
export * from './link-connection';
