/**
 * kafkajs 2.2.4 fetches with one `maxWaitTime` and `minBytes` for a consumer's whole life. A consumer
 * tuned to batch (dlr-tracker: wait up to 100 ms for 128 KiB, so that a busy ledger writes big
 * batches) then asks the broker ten times a second for nothing when there is no traffic, and a record
 * that comes after a quiet spell waits out the tuned wait although nothing else is coming.
 *
 * Once a fetch from a broker came back without a record, the next fetch from it asks for any byte
 * (minBytes 1) and waits up to IDLE_FETCH_WAIT_MS (never less than the tuned wait): the broker answers
 * as soon as one record is there, and an idle consumer asks once a second. A fetch that returns a
 * record goes back to the tuned settings. Consumers tuned with minBytes 1 and a wait of a second or
 * more (kafkajs' defaults here) fetch exactly as before. The wait also bounds how long close() waits
 * for a fetch in flight, hence one second and not more.
 */
const MODULE = 'kafkajs/src/consumer/consumerGroup.js';
export const IDLE_FETCH_WAIT_MS = 1_000;

interface ConsumerGroupLike {
  maxWaitTime: number;
  minBytes: number;
}
type Fetch = (this: ConsumerGroupLike, nodeId: number) => Promise<Array<{ isEmpty(): boolean }>>;

/** Brokers whose last fetch came back without a record, per consumer group instance. */
const idleBrokers = new WeakMap<object, Set<number>>();

/**
 * The group as an idle fetch sees it: the two settings read differently, everything else is the group.
 * kafkajs reads both settings from `this` (after awaiting) and fetches from several brokers at once, so
 * the group's own settings stay as tuned. Writes go to the group: a fetch that meets stale metadata
 * re-joins the group from inside fetch, setting its member id, generation and offset manager on `this`.
 */
const idleView = (group: ConsumerGroupLike): ConsumerGroupLike => {
  const maxWaitTime = Math.max(group.maxWaitTime, IDLE_FETCH_WAIT_MS);
  return new Proxy(group, {
    get: (target, property, receiver) =>
      property === 'maxWaitTime'
        ? maxWaitTime
        : property === 'minBytes'
          ? 1
          : (Reflect.get(target, property, receiver) as unknown),
  });
};

export function idleAwareFetch(original: Fetch): Fetch {
  return async function fetch(this: ConsumerGroupLike, nodeId: number) {
    let idle = idleBrokers.get(this);
    if (!idle) idleBrokers.set(this, (idle = new Set()));
    const batches = await original.call(idle.has(nodeId) ? idleView(this) : this, nodeId);
    if (batches.every((batch) => batch.isEmpty())) idle.add(nodeId);
    else idle.delete(nodeId);
    return batches;
  };
}

let installed = false;

export function installIdleFetch(): void {
  if (installed) return;
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const ConsumerGroup = require(require.resolve(MODULE)) as { prototype: Record<string, unknown> };
  if (typeof ConsumerGroup.prototype.fetch !== 'function')
    throw new Error(`${MODULE} has no fetch: kafkajs changed, review this patch`);
  ConsumerGroup.prototype.fetch = idleAwareFetch(ConsumerGroup.prototype.fetch as Fetch);
  installed = true;
}
