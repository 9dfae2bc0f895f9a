export * from './workspaces.repository';
export * from './query-catalog';
export * from './smpp-submits.repository';
export * from './smpp-mo-parts.repository';
export * from './smpp-channel-states.repository';
