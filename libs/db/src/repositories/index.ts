export * from './workspaces.repository';
export * from './query-catalog';
export * from './channels.repository';
export * from './routes.repository';
export * from './send-requests.repository';
export * from './inbound-dedup.repository';
export * from './dispatch-attempts.repository';
export * from './opt-outs.repository';
