import { parseSmppConfig, validateSmppConfig } from './smpp.config';

const minimal = { host: 'smsc.example.com', system_id: 'smsgate' };

describe('parseSmppConfig', () => {
  it('fills in the defaults around host and system_id', () => {
    expect(parseSmppConfig(minimal)).toEqual({
      ok: true,
      value: {
        attachments: 'refuse',
        host: 'smsc.example.com',
        port: 2775,
        system_id: 'smsgate',
        bind: 'transceiver',
        binds: 1,
        window: 10,
        enquire_link_seconds: 30,
        response_timeout_seconds: 10,
        reconnect_initial_seconds: 1,
        reconnect_max_seconds: 60,
        tls: false,
        tls_verify: true,
        registered_delivery: true,
        data_coding: 0,
        gsm7_packed: false,
        long_message: 'udh8',
        message_id_format: 'hex',
      },
    });
  });

  it('keeps every field of a full config and ignores keys it does not know', () => {
    const full = {
      host: '10.20.30.40',
      port: 2776,
      system_id: 'acme',
      system_type: '',
      bind: 'transmitter_receiver',
      binds: 4,
      window: 50,
      tps: 12.5,
      enquire_link_seconds: 15,
      response_timeout_seconds: 5,
      reconnect_initial_seconds: 0.5,
      reconnect_max_seconds: 30,
      tls: true,
      tls_verify: false,
      data_coding: 3,
      gsm7_packed: true,
      receipt_message_id_format: 'hex',
      source_ton: 5,
      source_npi: 0,
      dest_ton: 1,
      dest_npi: 1,
      registered_delivery: false,
      long_message: 'payload',
      message_id_format: 'decimal',
      attachments: 'append_url',
    };
    expect(parseSmppConfig({ ...full, charset: 'gsm7' })).toEqual({ ok: true, value: full });
  });
});

describe('validateSmppConfig', () => {
  const problemsOf = (config: Record<string, unknown>) =>
    validateSmppConfig({ ...minimal, ...config }, { password: 'p' });

  it('accepts a minimal channel with its password; a private host is not refused', () => {
    expect(problemsOf({})).toEqual([]);
    expect(problemsOf({ host: '192.168.1.10' })).toEqual([]);
  });

  it('requires host, system_id and the password secret', () => {
    expect(validateSmppConfig({ host: ' ' }, {})).toEqual([
      'config.host: is required',
      'config.system_id: is required',
      'secrets.password: is required',
    ]);
    expect(validateSmppConfig(minimal, { password: '' })).toEqual(['secrets.password: is required']);
    expect(validateSmppConfig(minimal, { password: '123456789' })).toEqual([
      'secrets.password: must be at most 8 characters (SMPP 3.4)',
    ]);
  });

  it.each<[Record<string, unknown>, string]>([
    [{ port: 0 }, 'config.port: must be at least 1'],
    [{ port: 65_536 }, 'config.port: must be at most 65535'],
    [{ port: '2775' }, 'config.port: must be a number'],
    [{ port: 27.75 }, 'config.port: must be a whole number'],
    [{ system_id: 'a-system-id-too-long' }, 'config.system_id: must be at most 15 characters'],
    [{ system_type: 'VMA-and-more-' }, 'config.system_type: must be at most 12 characters'],
    [{ bind: 'receiver' }, 'config.bind: must be transceiver or transmitter_receiver'],
    [{ binds: 0 }, 'config.binds: must be at least 1'],
    [{ binds: 33 }, 'config.binds: must be at most 32'],
    [{ window: 1_001 }, 'config.window: must be at most 1000'],
    [{ tps: 0 }, 'config.tps: must be greater than 0'],
    [{ tps: '10' }, 'config.tps: must be a number'],
    [{ enquire_link_seconds: 0 }, 'config.enquire_link_seconds: must be at least 1'],
    [{ source_ton: 256 }, 'config.source_ton: must be at most 255'],
    [{ dest_npi: -1 }, 'config.dest_npi: must be at least 0'],
    [{ registered_delivery: 1 }, 'config.registered_delivery: must be true or false'],
    [{ long_message: 'udh' }, 'config.long_message: must be udh8, udh16, sar or payload'],
    [{ message_id_format: 'base64' }, 'config.message_id_format: must be hex or decimal'],
    [{ response_timeout_seconds: 0 }, 'config.response_timeout_seconds: must be at least 1'],
    [{ data_coding: 8 }, 'config.data_coding: must be 0, 1 or 3'],
    [{ tls: 'yes' }, 'config.tls: must be true or false'],
    [
      { reconnect_initial_seconds: 10, reconnect_max_seconds: 5 },
      'config.reconnect_max_seconds: must be at least reconnect_initial_seconds',
    ],
  ])('reports %j', (config, problem) => {
    expect(problemsOf(config)).toEqual([problem]);
  });
});
