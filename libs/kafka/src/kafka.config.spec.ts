import { randomBytes } from 'node:crypto';
import { ConfigError, loadConfig, secretsEnv, serviceEnv } from '@smsgate/runtime';
import { z } from 'zod';
import { kafkaEnv } from './kafka.config';

const BROKERS = 'kafka-1:9092,kafka-2:9092';
const appEnv = serviceEnv(8080).extend(kafkaEnv.shape);
const secretAppEnv = appEnv.extend(secretsEnv.shape);

const configErrorOf = (load: () => unknown): ConfigError => {
  try {
    load();
  } catch (error) {
    if (error instanceof ConfigError) return error;
    throw error;
  }
  throw new Error('expected a ConfigError, but the configuration loaded');
};

/** Everything a ConfigError shows: its message, its problems and its string form. */
const everythingShownBy = (error: ConfigError): string =>
  [error.message, String(error), JSON.stringify(error), ...error.problems].join('\n');

describe('loadConfig with the service and Kafka fragments', () => {
  it('applies the defaults of the service and Kafka fragments', () => {
    expect(loadConfig('ingress', appEnv, { KAFKA_BROKERS: BROKERS })).toEqual({
      PORT: 8080,
      LOG_LEVEL: 'info',
      SHUTDOWN_TIMEOUT_SECONDS: 25,
      KAFKA_BROKERS: BROKERS,
      KAFKA_PUBLISH_TIMEOUT_MS: 10_000,
      KAFKA_SESSION_TIMEOUT_MS: 6_000,
      KAFKA_HEARTBEAT_INTERVAL_MS: 2_000,
    });
  });

  it('coerces numeric variables from their string form', () => {
    const config = loadConfig('ingress', appEnv, {
      KAFKA_BROKERS: BROKERS,
      PORT: '3000',
      SHUTDOWN_TIMEOUT_SECONDS: '5',
      KAFKA_PUBLISH_TIMEOUT_MS: '2500',
    });
    expect(config).toMatchObject({ PORT: 3000, SHUTDOWN_TIMEOUT_SECONDS: 5, KAFKA_PUBLISH_TIMEOUT_MS: 2500 });
    expect(typeof config.PORT).toBe('number');
  });

  it('keeps the given values over the defaults', () => {
    expect(
      loadConfig('ingress', appEnv, {
        KAFKA_BROKERS: 'localhost:9092',
        LOG_LEVEL: 'debug',
        KAFKA_CLIENT_ID: 'me',
      }),
    ).toMatchObject({ KAFKA_BROKERS: 'localhost:9092', LOG_LEVEL: 'debug', KAFKA_CLIENT_ID: 'me' });
  });

  it('leaves out variables the schema does not name', () => {
    const config = loadConfig('ingress', appEnv, { KAFKA_BROKERS: BROKERS, HOME: '/root', PATH: '/usr/bin' });
    expect(config).not.toHaveProperty('HOME');
    expect(config).not.toHaveProperty('PATH');
  });

  describe('when the environment is invalid', () => {
    it('stops with a ConfigError naming a missing KAFKA_BROKERS', () => {
      const error = configErrorOf(() => loadConfig('ingress', appEnv, {}));
      expect(error).toBeInstanceOf(Error);
      expect(error.service).toBe('ingress');
      expect(error.problems).toEqual(['KAFKA_BROKERS is required (host:port[,host:port…])']);
      expect(error.message).toBe(
        'ingress: configuration is invalid: KAFKA_BROKERS is required (host:port[,host:port…])',
      );
    });

    it.each(['localhost', 'kafka:9092,', 'kafka:9092, kafka-2:9092', ':9092', 'kafka:port'])(
      'names KAFKA_BROKERS when it is malformed (%j)',
      (brokers) => {
        expect(
          configErrorOf(() => loadConfig('ingress', appEnv, { KAFKA_BROKERS: brokers })).problems,
        ).toEqual(['KAFKA_BROKERS must be host:port[,host:port…]']);
      },
    );

    it.each(['http', '0', '65536', '80.5', '-1'])('names PORT when it is not a port (%j)', (port) => {
      const { problems } = configErrorOf(() =>
        loadConfig('ingress', appEnv, { KAFKA_BROKERS: BROKERS, PORT: port }),
      );
      expect(problems).toEqual([expect.stringMatching(/^PORT /)]);
    });

    it('names LOG_LEVEL when it is not a level', () => {
      const { problems } = configErrorOf(() =>
        loadConfig('ingress', appEnv, { KAFKA_BROKERS: BROKERS, LOG_LEVEL: 'verbose' }),
      );
      expect(problems).toEqual([expect.stringMatching(/^LOG_LEVEL /)]);
    });

    it('reports every problem at once', () => {
      const error = configErrorOf(() =>
        loadConfig('ingress', secretAppEnv, { PORT: 'http', LOG_LEVEL: 'loud' }),
      );
      expect(error.problems.map((problem) => problem.split(' ')[0]).sort()).toEqual([
        'KAFKA_BROKERS',
        'LOG_LEVEL',
        'PORT',
        'SECRETS_KEY',
      ]);
      for (const problem of error.problems) expect(error.message).toContain(problem);
    });

    it('labels a problem with the environment as a whole as such', () => {
      const oneOf = z
        .object({ A: z.string().optional(), B: z.string().optional() })
        .refine((env) => env.A !== undefined || env.B !== undefined, 'needs A or B');
      expect(configErrorOf(() => loadConfig('spec', oneOf, {})).problems).toEqual([
        '(environment) needs A or B',
      ]);
    });
  });

  describe('secrets', () => {
    it('accepts a SECRETS_KEY of 32 bytes in base64', () => {
      const key = randomBytes(32).toString('base64');
      expect(
        loadConfig('ingress', secretAppEnv, { KAFKA_BROKERS: BROKERS, SECRETS_KEY: key }).SECRETS_KEY,
      ).toBe(key);
    });

    it('says how to make a SECRETS_KEY when it is missing', () => {
      expect(
        configErrorOf(() => loadConfig('ingress', secretAppEnv, { KAFKA_BROKERS: BROKERS })).problems,
      ).toEqual(['SECRETS_KEY is required (32 random bytes, base64: `openssl rand -base64 32`)']);
    });

    it.each([
      'short',
      'hunter2-Hunter2-hunter2',
      randomBytes(16).toString('base64'),
      randomBytes(48).toString('base64'),
    ])('names SECRETS_KEY but never shows its value (%#)', (value) => {
      const error = configErrorOf(() =>
        loadConfig('ingress', secretAppEnv, { KAFKA_BROKERS: BROKERS, SECRETS_KEY: value }),
      );
      expect(error.problems).toEqual(['SECRETS_KEY must be 32 bytes, base64-encoded']);
      expect(everythingShownBy(error)).not.toContain(value);
    });

    it('does not show the secret when other variables are wrong too', () => {
      const error = configErrorOf(() =>
        loadConfig('ingress', secretAppEnv, { PORT: 'http', LOG_LEVEL: 'loud', SECRETS_KEY: 'short' }),
      );
      expect(error.problems).toContain('SECRETS_KEY must be 32 bytes, base64-encoded');
      expect(everythingShownBy(error)).not.toContain('short');
    });
  });
});
