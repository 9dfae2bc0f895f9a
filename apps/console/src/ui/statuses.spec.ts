import { MessageStatus } from '@smsgate/contracts';
import { STATUSES } from '../../ui/statuses';

describe("the console's status filter", () => {
  it('offers every status a message can have, and no other', () => {
    expect(STATUSES).toEqual(MessageStatus.options);
  });
});
