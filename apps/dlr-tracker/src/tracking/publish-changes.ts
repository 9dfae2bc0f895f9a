import { MessageStatusChangedV1, Topics } from '@smsgate/contracts';
import { EventPublisher } from '@smsgate/kafka';

/** Publishes status changes the ledger made, each keyed by its message (one partition, in order). */
export const publishChanges = (publisher: EventPublisher, changes: MessageStatusChangedV1[]): Promise<void> =>
  publisher.publishAll(
    Topics.messageStatusChanged,
    changes.map((change) => ({ payload: change, key: change.id })),
  );
