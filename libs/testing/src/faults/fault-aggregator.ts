import { appendFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** One send request the aggregator got, with its answer. */
export interface AggregatorRequest {
  /** Our message id (`id` of the RapidPro External API form). */
  id: string;
  to: string;
  text: string;
  status: number;
  at: number;
}

/**
 * A RapidPro External API aggregator: logs every send request (memory and a JSON-lines file), answers
 * 200 (or 500 while `failing`), and reports each message it took as delivered to smsgate's
 * `/c/ex/<channel>/delivered`, retrying that report until smsgate answers 200, as a real one would.
 */
export class FaultAggregator {
  readonly requests: AggregatorRequest[] = [];
  failing = false;
  private reportTarget?: string;
  private readonly reports: { id: string; nextAt: number }[] = [];
  private reportsInFlight = 0;
  private readonly server: Server;
  private readonly timer: NodeJS.Timeout;

  private constructor(private readonly logFile: string) {
    this.server = createServer((request, response) => {
      const chunks: Buffer[] = [];
      request.on('data', (chunk: Buffer) => chunks.push(chunk));
      request.on('end', () => {
        const form = new URLSearchParams(Buffer.concat(chunks).toString('utf8'));
        const status = this.failing ? 500 : 200;
        const record = {
          id: form.get('id') ?? '',
          to: form.get('to') ?? '',
          text: form.get('text') ?? '',
          status,
          at: Date.now(),
        };
        this.requests.push(record);
        appendFileSync(this.logFile, `${JSON.stringify(record)}\n`);
        response
          .writeHead(status, { 'content-type': 'text/plain' })
          .end(status === 200 ? 'ok' : 'unavailable');
        if (status === 200) this.reports.push({ id: record.id, nextAt: Date.now() + 20 });
      });
    });
    this.server.keepAliveTimeout = 60_000;
    this.timer = setInterval(() => this.report(), 50);
  }

  static async start(logFile: string): Promise<FaultAggregator> {
    const aggregator = new FaultAggregator(logFile);
    await new Promise<void>((resolve) => aggregator.server.listen(0, '127.0.0.1', resolve));
    return aggregator;
  }

  get url(): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/send`;
  }

  /** Where delivery reports go: `<ingress>/c/ex/<channel>/delivered`. */
  reportTo(ingressUrl: string, channel: string): void {
    this.reportTarget = `${ingressUrl}/c/ex/${channel}/delivered`;
  }

  /** Reports not yet taken by smsgate. */
  get reportsPending(): number {
    return this.reports.length + this.reportsInFlight;
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    this.server.closeAllConnections();
    await new Promise((resolve) => this.server.close(resolve));
  }

  private report(): void {
    const target = this.reportTarget;
    if (!target) return;
    const now = Date.now();
    while (this.reportsInFlight < 20) {
      const index = this.reports.findIndex((report) => report.nextAt <= now);
      if (index < 0) return;
      const [report] = this.reports.splice(index, 1);
      this.reportsInFlight += 1;
      void fetch(target, {
        method: 'POST',
        body: new URLSearchParams({ id: report.id }),
        signal: AbortSignal.timeout(15_000),
      })
        .then(
          async (response) => {
            await response.arrayBuffer();
            return response.status === 200;
          },
          () => false,
        )
        .then((ok) => {
          this.reportsInFlight -= 1;
          if (!ok) this.reports.push({ id: report.id, nextAt: Date.now() + 1_000 });
        });
    }
  }
}
