import { Readiness } from './readiness';

describe('Readiness', () => {
  it('is ready with no checks registered', async () => {
    expect(await new Readiness().evaluate()).toEqual({ ready: true, draining: false, checks: {} });
  });

  it('is ready when every check passes, sync or async, and reports each by name', async () => {
    const readiness = new Readiness();
    readiness.register('kafka', () => true);
    readiness.register('postgres', async () => true);
    expect(await readiness.evaluate()).toEqual({
      ready: true,
      draining: false,
      checks: { kafka: true, postgres: true },
    });
  });

  it('is not ready when one check fails, and names the one that failed', async () => {
    const readiness = new Readiness();
    readiness.register('kafka', () => true);
    readiness.register('postgres', async () => false);
    readiness.register('consumer', () => true);
    expect(await readiness.evaluate()).toEqual({
      ready: false,
      draining: false,
      checks: { kafka: true, postgres: false, consumer: true },
    });
  });

  it('counts a check that throws as failed', async () => {
    const readiness = new Readiness();
    readiness.register('kafka', () => true);
    readiness.register('postgres', () => {
      throw new Error('connection refused');
    });
    expect(await readiness.evaluate()).toEqual({
      ready: false,
      draining: false,
      checks: { kafka: true, postgres: false },
    });
  });

  it('counts a check whose promise rejects as failed', async () => {
    const readiness = new Readiness();
    readiness.register('postgres', () => Promise.reject(new Error('timeout')));
    expect(await readiness.evaluate()).toEqual({
      ready: false,
      draining: false,
      checks: { postgres: false },
    });
  });

  it('runs the checks again on every evaluation', async () => {
    const readiness = new Readiness();
    let up = false;
    const check = jest.fn(() => up);
    readiness.register('kafka', check);
    expect((await readiness.evaluate()).ready).toBe(false);
    up = true;
    expect((await readiness.evaluate()).ready).toBe(true);
    expect(check).toHaveBeenCalledTimes(2);
  });

  it('replaces a check registered again under the same name', async () => {
    const readiness = new Readiness();
    readiness.register('kafka', () => false);
    readiness.register('kafka', () => true);
    expect(await readiness.evaluate()).toEqual({ ready: true, draining: false, checks: { kafka: true } });
  });

  it('runs the checks concurrently rather than one after another', async () => {
    const readiness = new Readiness();
    const started: string[] = [];
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    for (const name of ['kafka', 'postgres']) {
      readiness.register(name, async () => {
        started.push(name);
        await gate;
        return true;
      });
    }
    const evaluation = readiness.evaluate();
    await Promise.resolve();
    expect(started).toEqual(['kafka', 'postgres']);
    release();
    expect((await evaluation).ready).toBe(true);
  });

  describe('after drain()', () => {
    it('is not ready even though every check passes, and says it is draining', async () => {
      const readiness = new Readiness();
      readiness.register('kafka', () => true);
      readiness.drain();
      expect(await readiness.evaluate()).toEqual({ ready: false, draining: true, checks: { kafka: true } });
    });

    it('is not ready with no checks registered', async () => {
      const readiness = new Readiness();
      readiness.drain();
      expect((await readiness.evaluate()).ready).toBe(false);
    });

    it('stays not ready', async () => {
      const readiness = new Readiness();
      readiness.drain();
      await readiness.evaluate();
      readiness.register('kafka', () => true);
      expect((await readiness.evaluate()).ready).toBe(false);
    });
  });
});

describe('Readiness deadlines', () => {
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  it('counts a check that never answers as failed, so the probe itself never hangs', async () => {
    const readiness = new Readiness();
    readiness.register('kafka', () => true);
    readiness.register('postgres', () => new Promise<boolean>(() => undefined));
    const evaluation = readiness.evaluate();
    await jest.advanceTimersByTimeAsync(3_000);
    expect(await evaluation).toEqual({
      ready: false,
      draining: false,
      checks: { kafka: true, postgres: false },
    });
  });
});
