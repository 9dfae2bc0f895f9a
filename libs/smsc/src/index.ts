export * from './link';
export * from './link-pool';
export * from './connect';
