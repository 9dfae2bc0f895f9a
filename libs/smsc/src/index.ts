export * from './link';
export * from './link-pool';
