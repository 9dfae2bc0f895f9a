import { AddressInfo, createServer, Server, Socket } from 'node:net';
import { createServer as createTlsServer } from 'node:tls';
import { encodeText } from '@smsgate/smpp';

/** A client connection of a simulator. */
export interface SimulatorConnection<Frame> {
  socket: Socket;
  framer: { push(chunk: Buffer): unknown[] };
  loggedIn: boolean;
  /** The number of the simulator's next request on it. */
  nextId: number;
  pending: Map<number, { resolve: (frame: Frame) => void; reject: (error: Error) => void }>;
}

/**
 * What the UCP/EMI and CIMD2 simulators share: a TCP (or TLS) listener, its connections, the client's
 * frames split into answers (to the simulator's own numbered requests, which a lost connection
 * rejects with `connection closed`) and requests, and writing frames. A subclass speaks the protocol.
 */
export abstract class FramedSimulator<Frame> {
  protected readonly connections = new Set<SimulatorConnection<Frame>>();
  private server?: Server;
  port = 0;

  get loggedIn(): number {
    return [...this.connections].filter((connection) => connection.loggedIn).length;
  }

  /** Listens on `port` (0: a free one); with `tls` (a certificate and key in PEM), over TLS. */
  async start(
    port = 0,
    host = '127.0.0.1',
    tls?: { cert: string | Buffer; key: string | Buffer },
  ): Promise<this> {
    this.server = tls
      ? createTlsServer(tls, (socket) => this.accept(socket))
      : createServer((socket) => this.accept(socket));
    await new Promise<void>((resolve) => this.server!.listen(port, host, resolve));
    this.port = (this.server.address() as AddressInfo).port;
    return this;
  }

  async stop(): Promise<void> {
    for (const connection of this.connections) connection.socket.destroy();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }

  /** Closes every connection (an SMSC restart, as clients see it). */
  dropConnections(): void {
    for (const connection of this.connections) connection.socket.destroy();
  }

  protected abstract newFramer(): SimulatorConnection<Frame>['framer'];
  protected abstract encode(frame: Frame): Buffer;
  /** A frame that cannot be read (the framer's failure): NACK it, record it. */
  protected abstract onBadFrame(connection: SimulatorConnection<Frame>, failure: unknown): void;
  /** The number of an answer to one of our requests, or undefined for a request of the client. */
  protected abstract answerId(frame: Frame): number | undefined;
  protected abstract onAnswer(frame: Frame): void;
  protected abstract onRequest(connection: SimulatorConnection<Frame>, frame: Frame): void;
  /** Our request frame `op` with `body` under number `id`. */
  protected abstract requestFrame(id: number, op: number, body: unknown): Frame;
  /** The number after `id` for our requests. */
  protected abstract nextRequestId(id: number): number;
  protected abstract isFrame(item: unknown): item is Frame;

  /**
   * An MO's text cut into `parts` (1: whole) of about equal length, each with its user data header (a
   * random 8-bit reference) when there are several; UCS-2 parts as their octets, with `ucs2`.
   */
  protected static moParts(
    text: string,
    parts = 1,
    ucs2 = false,
  ): { udh?: Buffer; content: { text: string } | { data: Buffer; dcs: 8 } }[] {
    const characters = [...text];
    const size = Math.ceil(characters.length / parts);
    const reference = Math.floor(Math.random() * 256);
    return Array.from({ length: parts }, (_, index) => {
      const chunk = characters.slice(index * size, (index + 1) * size).join('');
      return {
        ...(parts > 1 ? { udh: Buffer.from([5, 0, 3, reference, parts, index + 1]) } : {}),
        content: ucs2 ? { data: encodeText(chunk, 'ucs2'), dcs: 8 as const } : { text: chunk },
      };
    });
  }

  protected firstLoggedIn(): SimulatorConnection<Frame> | undefined {
    return [...this.connections].find((connection) => connection.loggedIn);
  }

  /** Sends our request and resolves with the client's answer (rejects after 10 s or when the connection goes). */
  protected request(connection: SimulatorConnection<Frame>, op: number, body: unknown): Promise<Frame> {
    const id = connection.nextId;
    connection.nextId = this.nextRequestId(id);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        connection.pending.delete(id);
        reject(new Error(`operation ${op} (number ${id}) unanswered`));
      }, 10_000);
      connection.pending.set(id, {
        resolve: (frame) => {
          clearTimeout(timer);
          resolve(frame);
        },
        reject: (error) => {
          clearTimeout(timer);
          reject(error);
        },
      });
      this.write(connection, this.requestFrame(id, op, body));
    });
  }

  protected write(connection: SimulatorConnection<Frame>, frame: Frame): void {
    if (!connection.socket.destroyed) connection.socket.write(this.encode(frame));
  }

  private accept(socket: Socket): void {
    const connection: SimulatorConnection<Frame> = {
      socket,
      framer: this.newFramer(),
      loggedIn: false,
      nextId: 0,
      pending: new Map(),
    };
    this.connections.add(connection);
    socket.setNoDelay(true);
    socket.on('data', (chunk: Buffer) => {
      for (const item of connection.framer.push(chunk)) {
        if (!this.isFrame(item)) {
          this.onBadFrame(connection, item);
          continue;
        }
        const id = this.answerId(item);
        if (id === undefined) {
          this.onRequest(connection, item);
          continue;
        }
        const resolve = connection.pending.get(id)?.resolve;
        connection.pending.delete(id);
        this.onAnswer(item);
        resolve?.(item);
      }
    });
    socket.on('error', () => undefined);
    socket.on('close', () => {
      this.connections.delete(connection);
      for (const { reject } of connection.pending.values()) reject(new Error('connection closed'));
      connection.pending.clear();
    });
  }
}
