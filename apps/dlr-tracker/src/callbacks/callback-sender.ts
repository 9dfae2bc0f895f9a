import { CheckedUrl, EgressGuard, EgressRefusedError, pinnedLookup } from '@smsgate/egress';
import http from 'node:http';
import https from 'node:https';

export type SendResult = { ok: true; status: number } | { ok: false; retry: boolean; error: string };

/**
 * POSTs one callback through the egress guard every service uses (libs/egress): a private, loopback,
 * link-local or otherwise internal address, however it is written (IPv4-mapped, NAT64, 6to4, site-local),
 * is refused unless EGRESS_ALLOW lists it, and the connection goes to the address that was checked (no
 * second lookup a rebinding DNS server could answer differently).
 */
export class CallbackSender {
  constructor(
    private readonly guard: EgressGuard,
    private readonly timeoutMs: number,
  ) {}

  async send(url: string, body: string, headers: Record<string, string>): Promise<SendResult> {
    let checked: CheckedUrl;
    try {
      checked = await this.guard.check(url);
    } catch (error) {
      if (error instanceof EgressRefusedError)
        return {
          ok: false,
          retry: false,
          error: `refused: ${error.message} (allow-list it with EGRESS_ALLOW)`,
        };
      // A DNS failure may pass: try again later.
      return { ok: false, retry: true, error: `could not resolve the host: ${(error as Error).message}` };
    }
    const target = checked.url;
    const lookup = pinnedLookup(checked);
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
      request.on('error', (error) => resolve({ ok: false, retry: true, error: error.message }));
      request.end(body);
    });
  }
}
