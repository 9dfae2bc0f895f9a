// A message's statuses, for the log's filter: libs/contracts' MessageStatus, which the page (built without a
// bundler) cannot import. apps/console/src/ui/statuses.spec.ts fails when the two differ.
export const STATUSES = [
  'received',
  'accepted',
  'queued',
  'wired',
  'sent',
  'delivered',
  'failed',
  'expired',
  'rejected',
  'errored',
  'no_route',
  'unknown',
];
