import { lookup as dnsLookup, LookupAddress } from 'node:dns';
import http from 'node:http';
import https from 'node:https';
import { isIP, LookupFunction } from 'node:net';
import { CallbackAllowList } from './ssrf-guard';

export type SendResult = { ok: true; status: number } | { ok: false; retry: boolean; error: string };

/**
 * POSTs one callback. The address is checked after DNS resolution and the connection goes to that
 * checked address (no second lookup a rebinding DNS server could answer differently).
 */
export class CallbackSender {
  constructor(
    private readonly allow: CallbackAllowList,
    private readonly timeoutMs: number,
  ) {}

  send(url: string, body: string, headers: Record<string, string>): Promise<SendResult> {
    let target: URL;
    try {
      target = new URL(url);
    } catch {
      return Promise.resolve({ ok: false, retry: false, error: 'invalid notify url' });
    }
    if (target.protocol !== 'http:' && target.protocol !== 'https:')
      return Promise.resolve({ ok: false, retry: false, error: `refused scheme ${target.protocol}` });
    const host = target.hostname.replace(/^\[|\]$/g, '');
    // Node connects to an address literal without a lookup: check it here.
    if (isIP(host) && !this.allow.permits(host, host))
      return Promise.resolve({
        ok: false,
        retry: false,
        error: `refused internal address ${host} (allow-list it with CALLBACK_ALLOW_HOSTS)`,
      });
    let refused: string | undefined;
    const lookup: LookupFunction = (hostname, options, callback) => {
      dnsLookup(hostname, { ...options, all: true }, (error, addresses: LookupAddress[]) => {
        if (error) return callback(error, '', 4);
        const permitted = addresses.find((entry) => this.allow.permits(host, entry.address));
        if (!permitted || addresses.some((entry) => !this.allow.permits(host, entry.address))) {
          refused = `refused internal address for ${host} (allow-list it with CALLBACK_ALLOW_HOSTS)`;
          return callback(new Error(refused), '', 4);
        }
        if (options.all) return callback(null, [permitted] as never, permitted.family);
        callback(null, permitted.address, permitted.family);
      });
    };
    const client = target.protocol === 'https:' ? https : http;
    return new Promise<SendResult>((resolve) => {
      const request = client.request(
        target,
        {
          method: 'POST',
          lookup,
          timeout: this.timeoutMs,
          headers: {
            'content-type': 'application/json',
            'content-length': String(Buffer.byteLength(body)),
            'user-agent': 'smsgate-dlr-tracker',
            ...headers,
          },
        },
        (response) => {
          response.resume();
          const status = response.statusCode ?? 0;
          if (status >= 200 && status < 300) resolve({ ok: true, status });
          else
            resolve({
              ok: false,
              retry: status >= 500 || status === 408 || status === 429,
              error: `answered ${status}`,
            });
        },
      );
      request.on('timeout', () => request.destroy(new Error(`no answer within ${this.timeoutMs} ms`)));
      request.on('error', (error) =>
        resolve(
          refused
            ? { ok: false, retry: false, error: refused }
            : { ok: false, retry: true, error: error.message },
        ),
      );
      request.end(body);
    });
  }
}
