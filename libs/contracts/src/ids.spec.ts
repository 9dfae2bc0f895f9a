import { isUuid, messageIdFromRecord, stableId, uuidv7 } from './ids';

describe('uuidv7', () => {
  it('is a version 7, variant 1 UUID carrying the time', () => {
    const at = Date.UTC(2026, 10, 22, 12, 0, 0);
    const id = uuidv7(at);
    expect(isUuid(id)).toBe(true);
    expect(id[14]).toBe('7');
    expect(['8', '9', 'a', 'b']).toContain(id[19]);
    expect(parseInt(id.replace(/-/g, '').slice(0, 12), 16)).toBe(at);
  });

  it('sorts in creation order, also within one millisecond', () => {
    const ids = Array.from({ length: 500 }, () => uuidv7(1_700_000_000_000));
    expect([...ids].sort()).toEqual(ids);
    expect(new Set(ids).size).toBe(ids.length);
  });
});

describe('messageIdFromRecord', () => {
  it('gives every consumer the same UUIDv7 for the same Kafka record, and another for another record', () => {
    const at = Date.UTC(2026, 10, 22, 12, 0, 0);
    const id = messageIdFromRecord('sms.outbound.requested.v1', 3, '42', at);
    expect(messageIdFromRecord('sms.outbound.requested.v1', 3, '42', at)).toBe(id);
    expect(messageIdFromRecord('sms.outbound.requested.v1', 3, '43', at)).not.toBe(id);
    expect(messageIdFromRecord('sms.outbound.requested.v1', 4, '42', at)).not.toBe(id);
    expect(isUuid(id)).toBe(true);
    expect(id[14]).toBe('7');
    expect(parseInt(id.replace(/-/g, '').slice(0, 12), 16)).toBe(at);
  });
});

describe('stableId', () => {
  it('names the same parts with the same version-8 UUID, and different parts differently', () => {
    const id = stableId('message', 3, 'wired');
    expect(stableId('message', 3, 'wired')).toBe(id);
    expect(stableId('message', 3, 'failed')).not.toBe(id);
    expect(stableId('message3', 'wired')).not.toBe(stableId('message', '3wired'));
    expect(isUuid(id)).toBe(true);
    expect(id[14]).toBe('8');
  });
});
