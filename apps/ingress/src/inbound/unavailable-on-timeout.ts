import { ServiceUnavailableException } from '@nestjs/common';
import { PublishTimeoutError } from '@smsgate/kafka';

/** When Kafka does not acknowledge in time, the caller gets a 503 to retry — never a 500, never a 200. */
export async function unavailableOnTimeout<T>(work: Promise<T>): Promise<T> {
  try {
    return await work;
  } catch (error) {
    if (error instanceof PublishTimeoutError) {
      throw new ServiceUnavailableException('temporarily unable to accept messages, retry');
    }
    throw error;
  }
}
