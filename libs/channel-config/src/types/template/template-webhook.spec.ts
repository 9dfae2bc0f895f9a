import { parseWebhookModels, readWebhook, webhookStatus, type WebhookModel } from './template-webhook';

const models = (section?: unknown): WebhookModel[] => {
  const parsed = parseWebhookModels(section);
  if (!parsed.ok) throw new Error(parsed.problems.join('; '));
  return parsed.value;
};
const problems = (section: unknown): string[] => {
  const parsed = parseWebhookModels(section);
  return parsed.ok ? [] : parsed.problems;
};
const model = (key: string, section?: unknown) => models(section).find((m) => m.key === key)!;

describe('template webhooks', () => {
  it("reads Ringotel's documented message and file events by default, and a delivery report", () => {
    expect(models().map((m) => [m.key, m.type])).toEqual([
      ['message', 'message'],
      ['file', 'mms'],
      ['delivered', 'delivered'],
    ]);
    const body = {
      method: 'message',
      params: { from: '+61855555555', to: '+61123456789', content: 'Hello there!' },
    };
    expect(readWebhook(model('message'), body)).toEqual({
      ok: true,
      values: { from: '+61855555555', to: '+61123456789', content: 'Hello there!' },
    });
    const file = {
      method: 'file',
      params: {
        from: '+61855555555',
        to: '+61123456789',
        text: 'Sending a file',
        url: 'https://x.example/a.jpeg',
      },
    };
    expect(readWebhook(model('file'), file)).toEqual({
      ok: true,
      values: {
        from: '+61855555555',
        to: '+61123456789',
        text: 'Sending a file',
        url: 'https://x.example/a.jpeg',
      },
    });
  });

  it('reads a custom model with nesting, arrays, numbers and an event key in another place', () => {
    const custom = [
      {
        event_key: 'dlr',
        event_type: 'delivered',
        request_parameters: { type: '$event_key$', results: [{ id: '$messageid$', state: '$status$' }] },
        status_map: { '2': 'delivered', '5': 'failed' },
      },
    ];
    const dlr = model('dlr', custom);
    const read = readWebhook(dlr, { type: 'dlr', results: [{ id: 98765, state: 5 }] });
    expect(read).toEqual({ ok: true, values: { messageid: '98765', status: '5' } });
    expect(webhookStatus(dlr, '5')).toBe('failed');
    expect(webhookStatus(dlr, '2')).toBe('delivered');
    expect(webhookStatus(dlr, 'DELIVRD')).toBe('delivered');
    expect(webhookStatus(dlr, undefined)).toBe('delivered');
    expect(webhookStatus(dlr, 'pending-ish')).toBeUndefined();
  });

  it.each(['constructor', '__proto__', 'toString', 'hasOwnProperty'])(
    'does not take %j for a status (Object.prototype made it one, and its event was refused: a 500)',
    (status) => {
      expect(webhookStatus(model('delivered'), status)).toBeUndefined();
    },
  );

  it('refuses a body without what the event needs, or naming another event', () => {
    expect(readWebhook(model('message'), { method: 'message', params: { to: '+1' } })).toEqual({
      ok: false,
      reason: "missing 'params.from'",
    });
    expect(readWebhook(model('message'), { method: 'message', params: { from: '+61855555555' } })).toEqual({
      ok: false,
      reason: "missing 'params.content'",
    });
    expect(readWebhook(model('message'), { method: 'file', params: { from: '+1', content: 'x' } })).toEqual({
      ok: false,
      reason: '\'method\' is "file", not "message"',
    });
    expect(readWebhook(model('message'), { params: { from: { nested: true }, content: 'x' } })).toEqual({
      ok: false,
      reason: "'params.from' must be a string or a number",
    });
    expect(readWebhook(model('message'), ['not', 'an', 'object'])).toMatchObject({ ok: false });
  });

  it('names the path of every problem in a model when the channel is saved', () => {
    expect(
      problems([
        {
          event_key: 'bad key!',
          event_type: 'message',
          request_parameters: { from: '$from$', content: '$content$' },
        },
        { event_key: 'm', event_type: 'fax', request_parameters: {} },
        {
          event_key: 'd',
          event_type: 'delivered',
          request_parameters: { id: 'id=$messageid$', x: '$nope$' },
        },
        {
          event_key: 'g',
          event_type: 'message',
          request_method: 'GET',
          request_parameters: { from: '$from$', text: '$text$' },
        },
      ]),
    ).toEqual([
      'config.Webhook.0.event_key: must be 1-64 letters, digits, _ . or -',
      'config.Webhook.1.event_type: must be one of message, mms, delivered (or file)',
      'config.Webhook.2.request_parameters.id: $messageid$ must be the whole value',
      'config.Webhook.2.request_parameters.x: unknown placeholder $nope$ (known: $event_key$ $from$ $to$ $content$ $text$ $url$ $messageid$ $status$ $date$)',
      'config.Webhook.2.request_parameters: a delivered event needs $messageid$',
      'config.Webhook.3.request_method: must be POST',
    ]);
    expect(
      problems({
        a: { event_key: 'same', event_type: 'mms', request_parameters: { f: '$from$' } },
        b: {
          event_key: 'same',
          event_type: 'delivered',
          request_parameters: { i: '$messageid$', j: '$messageid$' },
        },
      }),
    ).toEqual([
      'config.Webhook.a.request_parameters: a mms event needs $url$',
      'config.Webhook.b.request_parameters.j: $messageid$ appears twice',
      'config.Webhook.b.event_key: "same" is used twice',
    ]);
    expect(problems([])).toEqual(['config.Webhook: must be a non-empty list of event models']);
  });
});
