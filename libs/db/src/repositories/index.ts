export * from './workspaces.repository';
export * from './query-catalog';
