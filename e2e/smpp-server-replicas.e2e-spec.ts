import {
  createWorkspace,
  freshGroupAtEnd,
  serviceEnv,
  ServiceProcess,
  TestEsme,
  TestWorkspace,
  waitFor,
} from '@smsgate/testing';

interface Account {
  id: string;
  systemId: string;
  password: string;
}

/**
 * Two smpp-server replicas, as the shipped deployments run them: an account's maxBinds and tps hold
 * for the pair, not for each; a replica killed while holding binds frees their places once its rows
 * stop being refreshed.
 */
describe('the SMPP server with two replicas', () => {
  let ingress: ServiceProcess;
  let replicas: ServiceProcess[];
  let workspace: TestWorkspace;
  const esmes: TestEsme[] = [];
  const run = Date.now().toString(36).slice(-7);
  let accounts = 0;

  beforeAll(async () => {
    const common = serviceEnv();
    const replica = { ...common, SMPP_ACCOUNT_CHECK_INTERVAL_MS: '300' };
    ingress = await ServiceProcess.start('ingress', common);
    // One consumer group for both, as two pods of the Deployment have.
    const group = await freshGroupAtEnd(process.env.KAFKA_BROKERS!, 'smpp-server-replicas-e2e');
    replicas = await Promise.all(
      [1, 2].map(() => ServiceProcess.start('smpp-server', { ...replica, KAFKA_GROUP_ID: group })),
    );
    workspace = await createWorkspace(ingress.url, 'e2e smpp server replicas');
  });

  afterEach(() => {
    for (const esme of esmes.splice(0)) esme.close();
  });

  afterAll(async () => {
    await Promise.all([ingress, ...(replicas ?? [])].map((service) => service?.stop()));
  });

  const createAccount = async (fields: Record<string, unknown>): Promise<Account> => {
    const response = await fetch(`${ingress.url}/v1/smpp-accounts`, {
      method: 'POST',
      headers: { authorization: `Bearer ${workspace.apiKey}`, 'content-type': 'application/json' },
      body: JSON.stringify({ systemId: `r${run}-${++accounts}`, ...fields }),
    });
    expect(response.status).toBe(201);
    return (await response.json()) as Account;
  };

  const bind = async (replica: ServiceProcess, account: Account) => {
    const esme = await TestEsme.bound(replica.smppPort, 'transceiver', account.systemId, account.password);
    esmes.push(esme);
    return esme;
  };

  it("refuses a bind over the account's maxBinds on the other replica, and takes it once a place is free", async () => {
    const account = await createAccount({ maxBinds: 1 });
    const held = await bind(replicas[0], account);
    await expect(bind(replicas[1], account)).rejects.toThrow('bind refused with status 0xd');
    held.close();
    await waitFor(
      () =>
        bind(replicas[1], account).then(
          () => true,
          () => false,
        ),
      { timeoutMs: 10_000, intervalMs: 200, message: 'a bind on the second replica once the first closed' },
    );
  });

  it("throttles the account's submits to its tps across both replicas", async () => {
    const tps = 20;
    const account = await createAccount({ maxBinds: 2, tps });
    const pair = [await bind(replicas[0], account), await bind(replicas[1], account)];
    // Each replica learns its share (half: one bind of two) at its next account check.
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    const started = Date.now();
    const answers = await Promise.all(
      pair.flatMap((esme, side) =>
        Array.from({ length: 40 }, (_, i) =>
          esme.submit({
            destination: { ton: 1, npi: 1, addr: `25471100${side}${String(i).padStart(3, '0')}` },
          }),
        ),
      ),
    );
    const seconds = (Date.now() - started) / 1_000;
    const accepted = answers.filter((answer) => answer.status === 0).length;
    const throttled = answers.filter((answer) => answer.status === 0x58).length;
    expect(accepted + throttled).toBe(80);
    // One second's worth at once (tps in all, not tps per replica), plus what refills while they run.
    expect(accepted).toBeGreaterThanOrEqual(tps - 2);
    expect(accepted).toBeLessThanOrEqual(tps + Math.ceil(seconds * tps) + 2);
    expect(accepted).toBeLessThan(2 * tps);
  });

  it('frees the places of a replica killed while holding binds', async () => {
    const account = await createAccount({ maxBinds: 1 });
    await bind(replicas[1], account);
    await replicas[1].stop('SIGKILL');
    esmes.splice(0).forEach((esme) => esme.close());
    // Its row stops being refreshed: the place is free within the ledger's 15 s.
    const started = Date.now();
    await waitFor(
      () =>
        bind(replicas[0], account).then(
          () => true,
          () => false,
        ),
      { timeoutMs: 25_000, intervalMs: 500, message: 'a bind once the killed replica’s place expired' },
    );
    expect(Date.now() - started).toBeLessThan(20_000);
  });
});
