import { attachmentsRefusal, CHANNEL_TYPES, normaliseProviderId } from '../../registry';
import { validateChannelConfig } from '../../validate-channel-config';
import { parseCimd2Config, validateCimd2Config } from './cimd2.config';

const minimal = { host: 'smsc.example.com', port: 9971, username: 'smsgate' };
const file = { url: 'https://files.example.org/a.pdf' };

describe('cimd2 channel config', () => {
  it('fills in the defaults around host, port and username', () => {
    expect(parseCimd2Config(minimal)).toEqual({
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
        alive_seconds: 60,
      },
    });
  });

  it('refuses what could never log in or send, saying why, and requires the password', () => {
    expect(
      validateCimd2Config(
        { host: '', port: 0, username: 'x'.repeat(33), window: 129, alive_seconds: -1 },
        {},
      ),
    ).toEqual([
      'config.host: is required',
      'config.port: must be at least 1',
      'config.window: must be at most 128',
      'config.username: must be at most 32 characters',
      'config.alive_seconds: must be at least 0',
      'secrets.password: is required',
    ]);
    expect(validateCimd2Config(minimal, { password: 'x'.repeat(33) })).toEqual([
      'secrets.password: must be at most 32 characters',
    ]);
    expect(validateCimd2Config(minimal, { password: 'secret' })).toEqual([]);
  });

  it('refuses a key it does not read, and a secret other than the password, at save', () => {
    const result = validateChannelConfig(
      'cimd2',
      { ...minimal, system_id: 'x' },
      { password: 'p', token: 't' },
    );
    expect(result.ok).toBe(false);
    const problems = result.ok ? [] : result.problems;
    expect(problems).toEqual(expect.arrayContaining([expect.stringContaining('system_id')]));
    expect(problems).toEqual(expect.arrayContaining([expect.stringContaining('token')]));
  });

  it('sends files only when set to append_url, and keeps provider ids as given', () => {
    expect(attachmentsRefusal({ type: 'cimd2', config: minimal }, [file])).toMatch(
      /cimd2 channels send no MMS/,
    );
    expect(
      attachmentsRefusal({ type: 'cimd2', config: { ...minimal, attachments: 'append_url' } }, [file]),
    ).toBeUndefined();
    expect(normaliseProviderId('cimd2', ' 254711:051226070809 ')).toBe('254711:051226070809');
    expect(CHANNEL_TYPES.cimd2.outbound).toEqual({ via: 'smpp-binds' });
  });
});
