import { describeIssues } from '@smsgate/contracts';
import { SendBody } from './send.input';

const parse = (body: object) => {
  const result = SendBody.safeParse({ to: '+254711222333', ...body });
  return result.success
    ? { ok: true, value: result.data }
    : { ok: false, reason: describeIssues(result.error) };
};

describe('POST /v1/messages attachments', () => {
  it('takes files as objects, in courier\'s "type:url" form, or as bare URLs', () => {
    expect(
      parse({
        text: 'Your results',
        attachments: [
          {
            url: 'https://files.example.org/a.pdf',
            contentType: 'application/pdf',
            name: 'a.pdf',
            size: 2048,
          },
          'image/jpeg:https://files.example.org/b.jpg',
          'https://files.example.org/c.png',
        ],
      }),
    ).toMatchObject({
      ok: true,
      value: {
        attachments: [
          {
            url: 'https://files.example.org/a.pdf',
            contentType: 'application/pdf',
            name: 'a.pdf',
            size: 2048,
          },
          { url: 'https://files.example.org/b.jpg', contentType: 'image/jpeg' },
          { url: 'https://files.example.org/c.png' },
        ],
      },
    });
  });

  it('sends files without a text', () => {
    expect(parse({ attachments: ['https://files.example.org/c.png'] })).toMatchObject({ ok: true });
  });

  it.each([
    [{}, 'text: give a text, a template or attachments'],
    [{ text: 'x', template: 't1' }, 'text: give a text or a template, not both'],
    [{ attachments: [] }, 'attachments: must hold at least one attachment (leave it out for none)'],
    [{ attachments: ['ftp://files.example.org/a.pdf'] }, 'attachments.0: must be an http(s) URL'],
    [{ attachments: ['image/jpeg:ftp://files.example.org/a.jpg'] }, 'attachments.0: must be an http(s) URL'],
    [{ attachments: [{ url: 'https://files.example.org/a', size: -1 }] }, 'attachments.0.size'],
    [{ attachments: [{ url: 'https://files.example.org/a', kind: 'x' }] }, 'attachments.0'],
    [
      { text: 'x', attachments: Array.from({ length: 11 }, (_, i) => `https://files.example.org/${i}`) },
      'attachments: must hold at most 10 attachments',
    ],
  ])('refuses %j: %s', (body, reason) => {
    const result = parse(body);
    expect(result.ok).toBe(false);
    expect((result as { reason: string }).reason).toContain(reason);
  });
});
