// Which counters are losses, by reason. The one place to align with the
// pipeline's counters when they change:
//   stats():       spansDropped; per backend `failed` and `dropped` (the spool
//                  counts corrupt and torn records, expired and trimmed events
//                  there too), and any other counter named like a loss;
//                  `backlog` is not a loss (still on disk: the next start
//                  delivers it) and is reported on its own;
//   stats().spool: counters named like a loss (corrupt, torn, dropped, …).
//                  `writeFailures` is not one: it counts failed writes, whose
//                  events stay in memory (losses that follow are counted by
//                  the backend that missed them);
//   audit.loss:    the payload's `by_reason` (src/model/audit-loss-event.ts),
//                  or counts by reason in the other shapes lossEventReasons() reads.

/** Per-backend counters that are not losses. */
const NOT_LOSSES = new Set(['queued', 'inFlight', 'delivered', 'retries', 'backlog', 'deferred', 'trailRecordsLost']);
const LOSS_NAME = /corrupt|torn|drop|lost|loss|discard|expire|evict|trimmed/i;
const NOT_SPOOL_LOSSES = /writeFailures|appended|bytes|segments|adoptedFrom/;

/**
 * Losses a stats() snapshot counts, keyed by reason.
 *
 * @example
 * lossesOfStats({ spansDropped: 0, backends: { secureagentics: { failed: 3, dropped: 0, … } } }); // { 'secureagentics.failed': 3 }
 */
export function lossesOfStats(stats) {
  const out = {};
  const add = (reason, value) => {
    if (typeof value === 'number' && value > 0) out[reason] = (out[reason] ?? 0) + value;
  };
  add('spansDropped', stats?.spansDropped);
  for (const [name, backend] of Object.entries(stats?.backends ?? {})) {
    // failed + dropped include the trail's own records the backend lost too (audit.loss, checkpoints): they are no ticks.
    let bookkeeping = typeof backend.trailRecordsLost === 'number' ? backend.trailRecordsLost : 0;
    for (const [key, value] of Object.entries(backend)) {
      if (NOT_LOSSES.has(key) || !(key === 'failed' || LOSS_NAME.test(key))) continue;
      const taken = typeof value === 'number' ? Math.min(value, bookkeeping) : 0;
      bookkeeping -= taken;
      add(`${name}.${key}`, typeof value === 'number' ? value - taken : value);
    }
  }
  for (const [path, value] of numericLeaves(stats?.spool, 'spool')) if (LOSS_NAME.test(path) && !NOT_SPOOL_LOSSES.test(path)) add(path, value);
  return out;
}

/** Events still in the spool (not lost: the next start delivers them), summed over backends. */
export function backlogOfStats(stats) {
  let sum = 0;
  for (const backend of Object.values(stats?.backends ?? {})) sum += typeof backend.backlog === 'number' ? backend.backlog : 0;
  return sum;
}

/**
 * The counts by reason an `audit.loss` event carries: its `by_reason`
 * (`{ backend, lost, by_reason: { 'dropped: …': n } }`), else counts in
 * `data` (an event recorded with recordEvent): `{ reasons | byReason | counts: {…} }`,
 * `[{ reason, count }]`, `{ reason, count }`, or `{ reason: n, … }`.
 *
 * @example
 * lossEventReasons({ name: 'audit.loss', backend: 'secureagentics', lost: 3, by_reason: { 'failed: 400 …': 3 } }); // { 'failed: 400 …': 3 }
 */
export function lossEventReasons(payload) {
  const direct = payload?.by_reason ?? payload?.byReason;
  if (direct && typeof direct === 'object') return countsIn(direct);
  if (typeof payload?.lost === 'number') return { [payload.reason ?? 'lost']: payload.lost };
  return countsIn(payload?.data ?? {});
}

function countsIn(data) {
  const nested = data.reasons ?? data.byReason ?? data.by_reason ?? data.counts;
  if (nested && typeof nested === 'object') return countsIn(nested);
  const list = Array.isArray(data) ? data : typeof data.reason === 'string' ? [data] : undefined;
  const out = {};
  if (list) {
    for (const item of list) {
      const count = item?.count ?? item?.events ?? item?.lost;
      if (typeof item?.reason === 'string' && typeof count === 'number') out[item.reason] = (out[item.reason] ?? 0) + count;
    }
    return out;
  }
  for (const [key, value] of Object.entries(data)) if (typeof value === 'number' && key !== 'total') out[key] = value;
  return out;
}

function* numericLeaves(value, path) {
  if (typeof value === 'number') yield [path, value];
  else if (value && typeof value === 'object') for (const [key, child] of Object.entries(value)) yield* numericLeaves(child, `${path}.${key}`);
}
