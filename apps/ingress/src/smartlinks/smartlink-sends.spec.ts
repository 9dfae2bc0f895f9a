import { MAX_OUTBOUND_TEXT } from '@smsgate/contracts';
import type { NewSmartlinkCode, SmartlinksRepository } from '@smsgate/db';
import type { IngressConfig } from '../config';
import type { Substitution } from '../send/placeholders';
import { SmartlinkSends, type SmartlinkBatch } from './smartlink-sends';

const WORKSPACE = '0190a3c2-1111-7aaa-8bbb-000000000001';

function fixture(known: string[] = ['5']) {
  const saved: NewSmartlinkCode[][] = [];
  const repository = {
    existing: jest.fn((_workspace: string, ids: string[]) =>
      Promise.resolve(ids.filter((id) => known.includes(id))),
    ),
    insertCodes: jest.fn((codes: NewSmartlinkCode[]) => Promise.resolve(void saved.push(codes))),
  };
  const config = { publicUrl: 'https://sms.example' } as IngressConfig;
  return {
    sends: new SmartlinkSends(repository as unknown as SmartlinksRepository, config),
    repository,
    saved,
  };
}

/** The first request's texts finished as SendMessages finishes them, for messages m0, m1, …. */
function finished(batch: SmartlinkBatch, ...texts: string[]) {
  const finish = batch.finisherFor(0);
  if (!finish) throw new Error('no finisher for a request with smartlinks');
  return texts.map((text, i) => finish(text, `m${i}`));
}
const textOf = (outcome: Substitution): string => (outcome.ok ? outcome.text : `refused: ${outcome.reason}`);

describe('SmartlinkSends', () => {
  it('does nothing, and reads nothing, for a request without smartlinks', async () => {
    const { sends, repository, saved } = fixture();
    const prepared = await sends.prepare(WORKSPACE, [{ smartlinks: undefined, text: 'habari' }]);
    if (!prepared.ok) throw new Error(prepared.reason);
    expect(prepared.batch.finisherFor(0)).toBeUndefined();
    await prepared.batch.save();
    expect(repository.existing).not.toHaveBeenCalled();
    expect(saved).toEqual([]);
  });

  it('gives each message its own code and saves all of them in one statement', async () => {
    const { sends, repository, saved } = fixture();
    const before = Date.now();
    const prepared = await sends.prepare(WORKSPACE, [
      { smartlinks: [{ linkid: 5, validity: 30 }], text: 'gift {{link_5}} and again {{link_5}}' },
    ]);
    if (!prepared.ok) throw new Error(prepared.reason);
    const texts = finished(
      prepared.batch,
      'gift {{link_5}} and again {{link_5}}',
      'gift {{link_5}} and again {{link_5}}',
    ).map(textOf);
    await prepared.batch.save();

    const urls = texts.map((text) => text.match(/https:\/\/sms\.example\/l\/([0-9A-Za-z]{10})/g));
    expect(urls[0]).toHaveLength(2);
    expect(urls[0]![0]).toBe(urls[0]![1]);
    expect(urls[0]![0]).not.toBe(urls[1]![0]);
    expect(repository.insertCodes).toHaveBeenCalledTimes(1);
    expect(saved[0].map((code) => [code.messageId, code.linkId, code.workspaceId])).toEqual([
      ['m0', '5', WORKSPACE],
      ['m1', '5', WORKSPACE],
    ]);
    expect(saved[0][0].expiresAt.getTime()).toBeGreaterThanOrEqual(before + 30 * 60_000);
    expect(saved[0][0].expiresAt.getTime()).toBeLessThan(Date.now() + 30 * 60_000 + 1);
    expect(`https://sms.example/l/${saved[0][0].code}`).toBe(urls[0]![0]);
  });

  it('refuses a message too long once its link is filled in, and keeps no code for it', async () => {
    const { sends, saved } = fixture();
    const prepared = await sends.prepare(WORKSPACE, [{ smartlinks: [{ linkid: 5 }], text: '{{link_5}}' }]);
    if (!prepared.ok) throw new Error(prepared.reason);
    const long = `${'x'.repeat(MAX_OUTBOUND_TEXT - 20)} {{link_5}}`;
    const outcomes = finished(prepared.batch, long, 'short {{link_5}}');
    await prepared.batch.save();
    expect(outcomes[0]).toEqual({
      ok: false,
      reason: `the text is longer than ${MAX_OUTBOUND_TEXT} characters once its smartlinks are filled in`,
    });
    expect(textOf(outcomes[1])).toMatch(/^short https:\/\/sms\.example\/l\/[0-9A-Za-z]{10}$/);
    expect(saved[0].map((code) => code.messageId)).toEqual(['m1']);
  });

  it.each([
    [[{ smartlinks: undefined, text: 'gift {{link_5}}' }], '{{link_5}} has no entry in channels.smartlinks'],
    [[{ smartlinks: [{ linkid: 7 }], text: 'gift {{link_7}}' }], 'unknown smartlink linkid 7'],
    [[{ smartlinks: 'x', text: 'gift' }], "param 'smartlinks' must be an array of {linkid, validity}"],
    [
      [
        { smartlinks: [{ linkid: 5 }], text: '{{link_5}}' },
        { smartlinks: [{ linkid: 5 }], text: '{{link_6}}' },
      ],
      '{{link_6}} has no entry in channels.smartlinks',
    ],
  ])('refuses %j', async (requests, reason) => {
    const { sends } = fixture();
    await expect(sends.prepare(WORKSPACE, requests)).resolves.toEqual({ ok: false, reason });
  });

  it('asks the database once for every request of a batch', async () => {
    const { sends, repository } = fixture(['5', 'promo']);
    const prepared = await sends.prepare(WORKSPACE, [
      { smartlinks: [{ linkid: 5 }], text: '{{link_5}}' },
      { smartlinks: [{ linkid: 'promo' }, { linkid: 5 }], text: '{{link_promo}}' },
    ]);
    expect(prepared.ok).toBe(true);
    expect(repository.existing).toHaveBeenCalledTimes(1);
    expect(repository.existing).toHaveBeenCalledWith(WORKSPACE, ['5', 'promo']);
  });
});
