import {
  connectTestDatabase,
  createChannel,
  createWorkspace,
  serviceEnv,
  ServiceProcess,
  startInFreshGroup,
  waitFor,
} from '@smsgate/testing';
import { Client } from 'pg';

/**
 * dlr-tracker is killed with SIGKILL in the middle of a burst of 1,000 inbound posts and restarted:
 * every accepted message is stored, none twice.
 */
describe('a dlr-tracker crash during a burst', () => {
  let ingress: ServiceProcess;
  let tracker: ServiceProcess;
  let db: Client;

  beforeAll(async () => {
    [ingress, tracker] = await Promise.all([
      ServiceProcess.start('ingress', serviceEnv()),
      startInFreshGroup('dlr-tracker', 'dlr-tracker-crash-e2e'),
    ]);
    db = await connectTestDatabase();
  });

  afterAll(async () => {
    await Promise.all([ingress?.stop(), tracker?.stop(), db?.end()]);
  });

  it('loses none and stores none twice', async () => {
    const workspace = await createWorkspace(ingress.url, 'e2e crash');
    const channel = await createChannel(ingress.url, workspace.apiKey);
    const receive = `${ingress.url}/c/ex/${channel.uuid}/receive`;
    const total = 1_000;
    const accepted: string[] = [];
    let killed = false;
    let next = 0;

    const worker = async () => {
      while (next < total) {
        const n = next++;
        const response = await fetch(receive, {
          method: 'POST',
          body: new URLSearchParams({ from: `+2547${String(10_000_000 + n).slice(-8)}`, text: `burst ${n}` }),
        });
        expect(response.status).toBe(200);
        accepted.push(((await response.json()) as { data: { msg_uuid: string }[] }).data[0].msg_uuid);
        if (!killed && accepted.length >= 300) {
          killed = true;
          await tracker.stop('SIGKILL');
        }
      }
    };
    await Promise.all(Array.from({ length: 25 }, worker));
    expect(killed).toBe(true);
    expect(new Set(accepted).size).toBe(total);

    await tracker.restart();

    const count = async () =>
      Number(
        (
          await db.query<{ n: string }>('SELECT count(*) AS n FROM messages WHERE channel_id = $1', [
            channel.uuid,
          ])
        ).rows[0].n,
      );
    await waitFor(async () => (await count()) === total, {
      timeoutMs: 60_000,
      message: `${total} stored messages`,
    });

    const stored = await db.query<{ id: string; events: string }>(
      `SELECT m.id, (SELECT count(*) FROM message_events e WHERE e.message_id = m.id) AS events
       FROM messages m WHERE m.channel_id = $1`,
      [channel.uuid],
    );
    expect(new Set(stored.rows.map((row) => row.id))).toEqual(new Set(accepted));
    expect(stored.rows.filter((row) => Number(row.events) !== 1)).toEqual([]);
  });
});
