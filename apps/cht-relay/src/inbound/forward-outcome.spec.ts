import { Outcomes } from '@smsgate/kafka';
import { TransportError } from '../http/http-client';
import type { Exchange } from '../http/relay-http';
import { chtVerdict, combine, mayHaveArrived, rapidProVerdict } from './forward-outcome';

const answer = (status: number, body = ''): Exchange => ({ ok: true, response: { status, body } });
const noAnswer: Exchange = { ok: false, error: new TransportError('timeout', 'cht.example did not answer') };

describe('chtVerdict', () => {
  it('is done when CHT saved the message', () => {
    expect(chtVerdict(answer(200, '{"saved":1}'), false, [])).toEqual({
      result: 'ok',
      outcome: Outcomes.done(),
    });
  });

  it('treats a 400 after an attempt that may have arrived as the duplicate of a saved message', () => {
    const verdict = chtVerdict(answer(400, '{"code":400,"error":"Message was not saved"}'), true, []);
    expect(verdict).toEqual({ result: 'duplicate', outcome: Outcomes.done() });
  });

  it('refuses a 400 on the first delivery, with the reason', () => {
    const verdict = chtVerdict(answer(400, 'Message was not saved'), false, []);
    expect(verdict.result).toBe('refused');
    expect(verdict.outcome).toEqual(
      Outcomes.deadLetter('CHT refused the message: 400 Message was not saved'),
    );
  });

  it.each([403, 401, 408, 429, 500, 502, 503])('retries a %s', (status) => {
    expect(chtVerdict(answer(status), true, []).outcome.kind).toBe('retry');
  });

  it('retries a 404, a path CHT does not serve, naming the path, until fixed: never dead-lettered', () => {
    expect(chtVerdict(answer(404, 'Not Found'), false, [], '/api/v2/sms/rapidpro/incoming-messages')).toEqual(
      {
        result: 'retry',
        outcome: Outcomes.retryUntilFixed(
          'CHT answered 404: no RapidPro webhook at /api/v2/sms/rapidpro/incoming-messages',
        ),
      },
    );
  });

  it('retries when CHT did not answer', () => {
    expect(chtVerdict(noAnswer, false, []).outcome).toEqual(
      Outcomes.retry('CHT: cht.example did not answer'),
    );
  });

  it('keeps the API key out of reasons', () => {
    const verdict = chtVerdict(answer(403, 'bad token s3cr3t-key'), false, ['s3cr3t-key']);
    expect(JSON.stringify(verdict)).not.toContain('s3cr3t-key');
  });
});

describe('mayHaveArrived', () => {
  it('is true without an answer or with a 5xx, false for answers CHT gives before saving', () => {
    expect(mayHaveArrived(noAnswer)).toBe(true);
    expect(mayHaveArrived(answer(502))).toBe(true);
    expect(mayHaveArrived(answer(403))).toBe(false);
    expect(mayHaveArrived(answer(429))).toBe(false);
  });
});

describe('rapidProVerdict', () => {
  it('is done on 2xx, retries 5xx and no answer, refuses other 4xx', () => {
    expect(rapidProVerdict(answer(200)).result).toBe('ok');
    expect(rapidProVerdict(answer(503)).result).toBe('retry');
    expect(rapidProVerdict(noAnswer).result).toBe('retry');
    expect(rapidProVerdict(answer(400, 'bad')).result).toBe('refused');
  });
});

describe('combine', () => {
  it('retries when any target must retry, else dead-letters refusals, else is done', () => {
    expect(combine([Outcomes.done(), Outcomes.retry('later')])).toEqual(Outcomes.retry('later'));
    expect(combine([Outcomes.deadLetter('a'), Outcomes.done(), Outcomes.deadLetter('b')])).toEqual(
      Outcomes.deadLetter('a; b'),
    );
    expect(combine([Outcomes.done(), Outcomes.done()])).toEqual(Outcomes.done());
  });

  it('prefers a retry that waits for a fix, so another target running out of attempts loses nothing', () => {
    expect(combine([Outcomes.retry('503'), Outcomes.retryUntilFixed('404')])).toEqual(
      Outcomes.retryUntilFixed('404'),
    );
  });
});
