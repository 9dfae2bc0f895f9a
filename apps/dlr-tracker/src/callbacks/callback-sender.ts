import { HttpClient, HttpTransportError } from '@smsgate/egress';

export type SendResult = { ok: true; status: number } | { ok: false; retry: boolean; error: string };

/**
 * POSTs one callback with the HTTP client every service uses (libs/egress): a private, loopback,
 * link-local or otherwise internal address, however it is written (IPv4-mapped, NAT64, 6to4, site-local),
 * is refused unless EGRESS_ALLOW lists it, and the connection goes to the address that was checked (no
 * second lookup a rebinding DNS server could answer differently).
 */
export class CallbackSender {
  constructor(
    private readonly http: HttpClient,
    private readonly timeoutMs: number,
  ) {}

  async send(url: string, body: string, headers: Record<string, string>): Promise<SendResult> {
    try {
      const { status } = await this.http.request({
        method: 'POST',
        url,
        body,
        timeoutMs: this.timeoutMs,
        headers: { 'content-type': 'application/json', 'user-agent': 'smsgate-dlr-tracker', ...headers },
      });
      if (status >= 200 && status < 300) return { ok: true, status };
      return {
        ok: false,
        retry: status >= 500 || status === 408 || status === 429,
        error: `answered ${status}`,
      };
    } catch (error) {
      if (error instanceof HttpTransportError && error.failure === 'refused')
        return {
          ok: false,
          retry: false,
          error: `refused: ${error.message} (allow-list it with EGRESS_ALLOW)`,
        };
      // DNS, connection and timeout failures may pass: try again later.
      return { ok: false, retry: true, error: (error as Error).message };
    }
  }
}
