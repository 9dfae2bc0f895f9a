export * from './errors';
export * from './operations';
export * from './packet';
export * from './session';
export * from './text';
