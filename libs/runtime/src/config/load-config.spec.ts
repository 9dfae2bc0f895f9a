import { z } from 'zod';
import { commaList, millisecondsList, serviceEnv } from './fragments';
import { ConfigError, loadConfig } from './load-config';

describe('loadConfig', () => {
  it('takes the default port from the service that composes the fragment', () => {
    expect(loadConfig('dispatcher', serviceEnv(8081), {}).PORT).toBe(8081);
  });

  it('reads process.env when no environment is passed', () => {
    const name = 'SMSGATE_LOAD_CONFIG_SPEC';
    process.env[name] = 'from-process-env';
    try {
      expect(loadConfig('spec', z.object({ [name]: z.string() }))).toEqual({ [name]: 'from-process-env' });
    } finally {
      delete process.env[name];
    }
  });
});

describe('shared variable parsers', () => {
  const env = z.object({
    DELAYS_MS: millisecondsList('100,200'),
    HOSTS: commaList({ lowerCase: true }),
    LIST: commaList(),
  });

  it('parse comma-separated milliseconds and lists, with their defaults when unset', () => {
    expect(loadConfig('test', env, {})).toEqual({ DELAYS_MS: [100, 200], HOSTS: [], LIST: [] });
    expect(
      loadConfig('test', env, {
        DELAYS_MS: '5,60000',
        HOSTS: ' Hooks.Internal ,,10.0.0.0/8',
        LIST: 'A, b ,',
      }),
    ).toEqual({ DELAYS_MS: [5, 60_000], HOSTS: ['hooks.internal', '10.0.0.0/8'], LIST: ['A', 'b'] });
  });

  it.each(['1s', '100,', ',100', '100;200', '-5'])(
    'refuse %j as milliseconds, naming the variable',
    (value) => {
      let error: unknown;
      try {
        loadConfig('test', env, { DELAYS_MS: value });
      } catch (thrown) {
        error = thrown;
      }
      expect(error).toBeInstanceOf(ConfigError);
      expect((error as ConfigError).problems).toEqual(['DELAYS_MS must be comma-separated milliseconds']);
    },
  );
});
