import { createServer } from 'node:net';
import { Client } from 'pg';
import { DataSource } from 'typeorm';
import { dependencyFailure, errorLabel } from './dependency-errors';

/** A port nothing listens on. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

describe('dependencyFailure with the errors node-postgres and TypeORM really raise', () => {
  it('takes a refused connection for an outage (pg client)', async () => {
    const client = new Client({ connectionString: `postgres://u:p@127.0.0.1:${await closedPort()}/db` });
    const error: unknown = await client.connect().catch((e: unknown) => e);
    expect(dependencyFailure(error)).toBe('unavailable');
    expect(errorLabel(error)).toBe('Error ECONNREFUSED');
  });

  it('takes a refused connection for an outage (TypeORM data source)', async () => {
    const dataSource = new DataSource({
      type: 'postgres',
      url: `postgres://u:p@127.0.0.1:${await closedPort()}/db`,
      extra: { connectionTimeoutMillis: 1_000 },
    });
    const error: unknown = await dataSource.initialize().catch((e: unknown) => e);
    expect(dependencyFailure(error)).toBe('unavailable');
  });

  it('takes a server that accepts and hangs up for an outage', async () => {
    const server = createServer((socket) => socket.destroy());
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as { port: number };
    try {
      const client = new Client({ connectionString: `postgres://u:p@127.0.0.1:${port}/db` });
      const error: unknown = await client.connect().catch((e: unknown) => e);
      expect(dependencyFailure(error)).toBe('unavailable');
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });

  it('leaves ordinary errors alone', () => {
    expect(
      dependencyFailure(new TypeError("Cannot read properties of undefined (reading 'x')")),
    ).toBeUndefined();
    expect(dependencyFailure(Object.assign(new Error('syntax'), { code: '42601' }))).toBeUndefined();
    expect(dependencyFailure('Connection terminated')).toBeUndefined();
    expect(dependencyFailure(null)).toBeUndefined();
  });

  it('does not loop on a cause cycle', () => {
    const a: Error & { cause?: unknown } = new Error('a');
    const b = new Error('b', { cause: a });
    a.cause = b;
    expect(dependencyFailure(a)).toBeUndefined();
  });
});
