import { BroadcastBody, broadcastFieldError, BroadcastHeaders, MessagesQuery } from './rapidpro-api.input';

const answer = (body: unknown) => {
  const result = BroadcastBody.safeParse(body);
  return result.success ? result.data : broadcastFieldError(result.error);
};

describe('BroadcastBody', () => {
  it.each([
    [null, 'non_field_errors', 'Invalid data. Expected a dictionary.'],
    [['tel:+254712345678'], 'non_field_errors', 'Invalid data. Expected a dictionary.'],
    [{ urns: ['tel:+254712345678'] }, 'text', 'This field is required.'],
    [{ text: '  ', urns: 5 }, 'text', 'This field is required.'],
    [{ text: { eng: ' ' }, urns: ['tel:+254712345678'] }, 'text', 'This field is required.'],
    [
      { text: 'x'.repeat(10_001), urns: ['a'] },
      'text',
      'Ensure this field has no more than 10000 characters.',
    ],
    [{ text: 'x', urns: ['a'], contacts: [] }, 'non_field_errors', 'Only urns are supported as recipients.'],
    [{ text: 'x', groups: ['g'] }, 'non_field_errors', 'Only urns are supported as recipients.'],
    [{ text: 'nobody' }, 'non_field_errors', 'Must provide either urns, contacts or groups.'],
    [{ text: 'x', urns: [] }, 'non_field_errors', 'Must provide either urns, contacts or groups.'],
    [{ text: 'x', urns: 'tel:+254712345678' }, 'urns', 'Expected a list of items.'],
    [{ text: 'x', urns: [1] }, 'urns', 'Expected a list of items.'],
    [{ text: 'x', urns: Array(101).fill('a') }, 'urns', 'Ensure this field has no more than 100 elements.'],
  ])('answers %j with the RapidPro field error %s: %s', (body, field, message) => {
    expect(answer(body)).toEqual({ field, message });
  });

  it('takes a text, or the base language of its translations (else the first)', () => {
    expect(answer({ text: 'habari', urns: ['tel:+254712345678'] })).toEqual({
      text: 'habari',
      urns: ['tel:+254712345678'],
    });
    expect(answer({ text: { eng: 'hello', swa: 'habari' }, base_language: 'swa', urns: ['a'] })).toEqual({
      text: 'habari',
      urns: ['a'],
    });
    expect(answer({ text: { eng: 'hello', swa: 'habari' }, urns: ['a'] })).toEqual({
      text: 'hello',
      urns: ['a'],
    });
  });
});

describe('BroadcastHeaders and MessagesQuery', () => {
  it('refuses an empty or long Idempotency-Key', () => {
    for (const key of ['', 'k'.repeat(129)])
      expect(BroadcastHeaders.safeParse({ 'idempotency-key': key }).error?.issues[0].message).toBe(
        'Idempotency-Key must be 1 to 128 characters',
      );
    expect(BroadcastHeaders.parse({ 'idempotency-key': 'cht-1' })).toEqual({ 'idempotency-key': 'cht-1' });
  });

  it('answers the first bad filter in RapidPro words', () => {
    expect(MessagesQuery.safeParse({ broadcast: ['1', '2'] }).error?.issues[0].message).toBe(
      'Value for broadcast must be an integer.',
    );
    expect(MessagesQuery.safeParse({ id: '1', uuid: 'x' }).error?.issues[0].message).toBe(
      'Value for uuid must be a valid UUID.',
    );
    expect(MessagesQuery.parse({ broadcast: '7', cursor: 'c' })).toEqual({ broadcast: '7' });
  });
});
