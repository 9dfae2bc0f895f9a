import { attachmentsRefusal, CHANNEL_TYPES, normaliseProviderId } from '../../registry';
import { validateChannelConfig } from '../../validate-channel-config';
import { parseUcpConfig, validateUcpConfig } from './ucp.config';

const minimal = { host: 'smsc.example.com', port: 5000, username: '7007' };
const file = { url: 'https://files.example.org/a.pdf' };

describe('ucp channel config', () => {
  it('fills in the defaults around host, port and username', () => {
    expect(parseUcpConfig(minimal)).toEqual({
      ok: true,
      value: {
        ...minimal,
        connections: 1,
        window: 1,
        response_timeout_seconds: 10,
        reconnect_initial_seconds: 1,
        reconnect_max_seconds: 60,
        tls: false,
        tls_verify: true,
        registered_delivery: true,
        attachments: 'refuse',
        keepalive_seconds: 60,
        notification_types: 3,
      },
    });
  });

  it('refuses what could never log in or send, saying why, and requires the password', () => {
    expect(
      validateUcpConfig({ host: '', port: 0, username: 'abc', window: 101, notification_types: 8 }, {}),
    ).toEqual([
      'config.host: is required',
      'config.port: must be at least 1',
      'config.window: must be at most 100',
      'config.username: must be 1 to 16 digits (the account address EMI logs in with)',
      'config.notification_types: must be at most 7',
      'secrets.password: is required',
    ]);
    expect(validateUcpConfig(minimal, { password: 'x'.repeat(65) })).toEqual([
      'secrets.password: must be at most 64 characters',
    ]);
    expect(validateUcpConfig(minimal, { password: 'secret' })).toEqual([]);
  });

  it('refuses a key it does not read, and a secret other than the password, at save', () => {
    const result = validateChannelConfig(
      'ucp',
      { ...minimal, system_id: 'x' },
      { password: 'p', token: 't' },
    );
    expect(result.ok).toBe(false);
    const problems = result.ok ? [] : result.problems;
    expect(problems).toEqual(expect.arrayContaining([expect.stringContaining('system_id')]));
    expect(problems).toEqual(expect.arrayContaining([expect.stringContaining('token')]));
  });

  it('sends files only when set to append_url, and keeps provider ids as given', () => {
    expect(attachmentsRefusal({ type: 'ucp', config: minimal }, [file])).toMatch(/ucp channels send no MMS/);
    expect(
      attachmentsRefusal({ type: 'ucp', config: { ...minimal, attachments: 'append_url' } }, [file]),
    ).toBeUndefined();
    expect(normaliseProviderId('ucp', ' 254711:051226070809 ')).toBe('254711:051226070809');
    expect(CHANNEL_TYPES.ucp.outbound).toEqual({ via: 'smpp-binds' });
  });
});
