import { ServiceUnavailableException } from '@nestjs/common';
import { PublishTimeoutError } from '@smsgate/kafka';

/**
 * For what providers post to us (inbound messages, delivery reports): when Kafka does not acknowledge
 * in time the provider gets a 503 and posts again, never a 500 or a 200. Posting again is safe — an
 * inbound message keeps the id it was claimed under (InboundDedupStore) and a report applies once — so
 * unlike the send APIs (which answer an unknown outcome with 504), "retry" is the honest answer here.
 */
export async function unavailableOnTimeout<T>(work: Promise<T>): Promise<T> {
  try {
    return await work;
  } catch (error) {
    if (error instanceof PublishTimeoutError) {
      throw new ServiceUnavailableException(
        'Kafka did not confirm in time: post it again (a repeated post is recognised and applied once)',
      );
    }
    throw error;
  }
}
