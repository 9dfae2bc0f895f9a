import { Socket, connect as connectTcp } from 'node:net';
import { connect as connectTls, ConnectionOptions } from 'node:tls';

export interface SmscAddress {
  host: string;
  port: number;
  /** true, or Node TLS options (ca, servername, rejectUnauthorized…), for the protocol over TLS. */
  tls?: boolean | ConnectionOptions;
  connectTimeoutMs?: number;
}

/**
 * Opens the TCP (or TLS, once its handshake is done) connection to an SMSC, whatever the protocol.
 * Rejects with `failure(reason)` when it cannot connect in time.
 */
export function connectSmsc(address: SmscAddress, failure: (reason: string) => Error): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const timeoutMs = address.connectTimeoutMs ?? 10_000;
    const socket = address.tls
      ? connectTls({
          host: address.host,
          port: address.port,
          servername: address.host,
          ...(typeof address.tls === 'object' ? address.tls : {}),
        })
      : connectTcp({ host: address.host, port: address.port });
    const timer = setTimeout(() => {
      socket.destroy();
      reject(failure(`connect to ${address.host}:${address.port} timed out after ${timeoutMs} ms`));
    }, timeoutMs);
    socket.once(address.tls ? 'secureConnect' : 'connect', () => {
      clearTimeout(timer);
      socket.removeAllListeners('error');
      resolve(socket);
    });
    socket.once('error', (error: Error) => {
      clearTimeout(timer);
      socket.destroy();
      reject(failure(`connect to ${address.host}:${address.port} failed: ${error.message}`));
    });
  });
}
