import { Readiness, ReadinessCheck } from './readiness';

function readinessWith(checks: Record<string, ReadinessCheck> = {}): Readiness {
  const readiness = new Readiness();
  for (const [name, check] of Object.entries(checks)) readiness.register(name, check);
  return readiness;
}

describe('Readiness', () => {
  it.each<[string, Record<string, ReadinessCheck>, boolean, Record<string, boolean>]>([
    ['is ready with no checks registered', {}, true, {}],
    [
      'is ready when every check passes, sync or async, and reports each by name',
      { kafka: () => true, postgres: async () => true },
      true,
      { kafka: true, postgres: true },
    ],
    [
      'is not ready when one check fails, and names the one that failed',
      { kafka: () => true, postgres: async () => false, consumer: () => true },
      false,
      { kafka: true, postgres: false, consumer: true },
    ],
    [
      'counts a check that throws as failed',
      {
        kafka: () => true,
        postgres: () => {
          throw new Error('connection refused');
        },
      },
      false,
      { kafka: true, postgres: false },
    ],
    [
      'counts a check whose promise rejects as failed',
      { postgres: () => Promise.reject(new Error('timeout')) },
      false,
      { postgres: false },
    ],
  ])('%s', async (_case, checks, ready, results) => {
    expect(await readinessWith(checks).evaluate()).toEqual({ ready, draining: false, checks: results });
  });

  it('runs the checks again on every evaluation', async () => {
    let up = false;
    const check = jest.fn(() => up);
    const readiness = readinessWith({ kafka: check });
    expect((await readiness.evaluate()).ready).toBe(false);
    up = true;
    expect((await readiness.evaluate()).ready).toBe(true);
    expect(check).toHaveBeenCalledTimes(2);
  });

  it('replaces a check registered again under the same name', async () => {
    const readiness = readinessWith({ kafka: () => false });
    readiness.register('kafka', () => true);
    expect(await readiness.evaluate()).toEqual({ ready: true, draining: false, checks: { kafka: true } });
  });

  it('runs the checks concurrently rather than one after another', async () => {
    const started: string[] = [];
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const gated = (name: string) => async () => {
      started.push(name);
      await gate;
      return true;
    };
    const evaluation = readinessWith({ kafka: gated('kafka'), postgres: gated('postgres') }).evaluate();
    await Promise.resolve();
    expect(started).toEqual(['kafka', 'postgres']);
    release();
    expect((await evaluation).ready).toBe(true);
  });

  describe('after drain()', () => {
    it('is not ready even though every check passes, and says it is draining', async () => {
      const readiness = readinessWith({ kafka: () => true });
      readiness.drain();
      expect(await readiness.evaluate()).toEqual({ ready: false, draining: true, checks: { kafka: true } });
    });

    it('is not ready with no checks registered', async () => {
      const readiness = readinessWith();
      readiness.drain();
      expect((await readiness.evaluate()).ready).toBe(false);
    });

    it('stays not ready', async () => {
      const readiness = readinessWith();
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
    const evaluation = readinessWith({
      kafka: () => true,
      postgres: () => new Promise<boolean>(() => undefined),
    }).evaluate();
    await jest.advanceTimersByTimeAsync(3_000);
    expect(await evaluation).toEqual({
      ready: false,
      draining: false,
      checks: { kafka: true, postgres: false },
    });
  });
});
