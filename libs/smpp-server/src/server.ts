import { AddressInfo, createServer, Server, Socket } from 'node:net';
import { SessionRegistry } from './registry';
import { ServerSessionOptions, SmppServerSession } from './server-session';
import { AccountThrottle } from './throughput';

export type SmppServerOptions = Omit<ServerSessionOptions, 'registry' | 'throttle'> &
  Partial<Pick<ServerSessionOptions, 'registry' | 'throttle'>>;

/** A TCP listener whose connections are SmppServerSessions sharing one registry and throttle. */
export class SmppServer {
  readonly registry: SessionRegistry;
  readonly throttle: AccountThrottle;
  readonly sessions = new Set<SmppServerSession>();
  private server?: Server;
  private readonly options: ServerSessionOptions;

  constructor(options: SmppServerOptions) {
    this.registry = options.registry ?? new SessionRegistry();
    this.throttle = options.throttle ?? new AccountThrottle();
    this.options = { ...options, registry: this.registry, throttle: this.throttle };
  }

  /** Listens; resolves with the port (useful with port 0). */
  async listen(port: number, host = '0.0.0.0'): Promise<number> {
    const server = createServer((socket) => this.accept(socket));
    this.server = server;
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, host, () => {
        server.off('error', reject);
        resolve();
      });
    });
    return (server.address() as AddressInfo).port;
  }

  /** Stops accepting connections, then drains every session (see SmppServerSession.drain). */
  async drain(): Promise<void> {
    const closed = this.stopListening();
    await Promise.all([...this.sessions].map((session) => session.drain()));
    await closed;
  }

  /** Closes everything at once. */
  async close(): Promise<void> {
    const closed = this.stopListening();
    for (const session of this.sessions) session.destroy('server closed');
    await closed;
  }

  private stopListening(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    return new Promise((resolve) => (server?.listening ? server.close(() => resolve()) : resolve()));
  }

  private accept(socket: Socket): void {
    const session = new SmppServerSession(socket, this.options);
    this.sessions.add(session);
    void session.closed.then(() => this.sessions.delete(session));
  }
}
