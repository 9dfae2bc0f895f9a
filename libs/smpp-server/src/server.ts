import { AddressInfo, createServer, Server, Socket } from 'node:net';
import { createServer as createTlsServer, TlsOptions } from 'node:tls';
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
  private readonly servers = new Set<Server>();
  private readonly options: ServerSessionOptions;

  constructor(options: SmppServerOptions) {
    this.registry = options.registry ?? new SessionRegistry();
    this.throttle = options.throttle ?? new AccountThrottle();
    this.options = { ...options, registry: this.registry, throttle: this.throttle };
  }

  /** Listens; resolves with the port (useful with port 0). */
  listen(port: number, host = '0.0.0.0'): Promise<number> {
    return this.start(
      createServer((socket) => this.accept(socket)),
      port,
      host,
    );
  }

  /**
   * Listens for SMPP over TLS (the same sessions, registry and throttle); resolves with the port. A
   * failed handshake never becomes a session.
   */
  listenTls(port: number, tls: TlsOptions, host = '0.0.0.0'): Promise<number> {
    const server = createTlsServer(tls, (socket) => this.accept(socket));
    server.on('tlsClientError', (_error, socket) => socket.destroy());
    return this.start(server, port, host);
  }

  private async start(server: Server, port: number, host: string): Promise<number> {
    this.servers.add(server);
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, host, () => {
        server.off('error', reject);
        resolve();
      });
    });
    return (server.address() as AddressInfo).port;
  }

  /** Every listener started is listening (false before the first and once draining). */
  get listening(): boolean {
    return this.servers.size > 0 && [...this.servers].every((server) => server.listening);
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

  private async stopListening(): Promise<void> {
    const servers = [...this.servers];
    this.servers.clear();
    await Promise.all(
      servers.map(
        (server) =>
          new Promise<void>((resolve) => (server.listening ? server.close(() => resolve()) : resolve())),
      ),
    );
  }

  private accept(socket: Socket): void {
    const session = new SmppServerSession(socket, this.options);
    this.sessions.add(session);
    void session.closed.then(() => this.sessions.delete(session));
  }
}
