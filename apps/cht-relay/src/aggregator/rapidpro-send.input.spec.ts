import { RapidProSendFields, sendFieldsError } from './rapidpro-send.input';

const answer = (fields: Record<string, unknown>) => {
  const result = RapidProSendFields.safeParse(fields);
  return result.success ? result.data : sendFieldsError(result.error);
};

describe('RapidProSendFields', () => {
  it.each([
    [{ text: 'x', to: '+254712345678' }, 'uuid (or id): required'],
    [{}, 'uuid (or id): required'],
    [{ uuid: ' ', text: 'x', to: '+254712345678' }, 'uuid (or id): required'],
    [{ uuid: 'u'.repeat(101), text: 'x', to: '+254712345678' }, 'uuid: at most 100 characters'],
    [{ id: 'i'.repeat(101), text: 'x', to: '+254712345678' }, 'id: at most 100 characters'],
    [{ id: '42', to: '+254712345678' }, 'text: required'],
    [{ id: '42', text: '  ', to: '+254712345678' }, 'text: required'],
    [{ id: '42', text: 'x'.repeat(10_001), to: '+254712345678' }, 'text: at most 10000 characters'],
    [{ id: '42', text: 'x' }, 'to: required'],
    [{ id: '42', text: 'x', to: ['+254712345678', '+254712345679'] }, 'to: required'],
  ])('answers %j with 400 %s', (fields, reason) => {
    expect(answer(fields)).toBe(reason);
  });

  it('reads numbers (the JSON form) as text as text and ignores what it does not read', () => {
    expect(
      answer({ id: 42, text: 'habari', to: '+254712345678', to_no_plus: ['x'], from: {}, channel: 'c' }),
    ).toEqual({ id: '42', text: 'habari', to: '+254712345678', channel: 'c' });
  });
});
