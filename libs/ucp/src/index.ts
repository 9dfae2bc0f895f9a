export * from './errors';
export * from './frame';
export * from './operations';
export * from './session';
export * from './text';
