export * from './link';
export * from './link-pool';
export * from './connect';
export * from './stx-etx';
export * from './link-connection';
