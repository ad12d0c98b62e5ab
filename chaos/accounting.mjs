// One scenario's books: what the agents generated against what reached the
// receiver's file, and what explains the difference.
//
//   generated = delivered + in memory at crash + counted + unexplained − overcounted
//
// - delivered: distinct (run, seq) ticks in the trail.
// - in memory at crash: undelivered ticks of a run killed -9, generated in the
//   last W ms before the kill (still in the span queue or the spool's group
//   commit, not yet on disk).
// - counted: what the agents' stats() count as lost, by reason (last snapshot
//   of every run: a killed run leaves one at most statsIntervalMillis old),
//   or what the trail's audit.loss events report, whichever is more (both
//   count the same losses; acceptance.mjs fails a trail reporting more than
//   stats() counts),
//   less the non-tick events (session start/end) known missing from the
//   trail, since stats() counts every event; plus events left in the spool at
//   the end (`backlog`: not lost, but not delivered within the scenario either).
//   Counts go first to undelivered ticks outside the window, then to those
//   inside it (a torn tail record counted by the next run is such a case).
// - unexplained: undelivered, neither in the window nor counted. Must be 0.
// - overcounted: counted as lost beyond every undelivered tick (an event
//   counted as failed that did reach the receiver). Must be 0 for "exactly".
// `lost` is every undelivered tick outside the window, counted or not.
import { backlogOfStats, lossEventReasons, lossesOfStats } from './loss-reasons.mjs';

/**
 * @param runs [{ run, gen: readGenerationLog(), killedAt?, clean?, startedAt, lastStats? }], in start order
 * @param trail a polled TrailReader
 * @param proxy the ChaosProxy (acknowledged ids, duplicates)
 * @param windowMillis W
 */
export function account({ runs, trail, proxy, windowMillis }) {
  const books = { generated: 0, delivered: 0, inWindow: 0, outside: 0, undelivered: new Set(), generatedKeys: new Set() };
  for (const run of runs) tally(books, run, trail, windowMillis);

  const droppedByReason = {};
  for (const run of runs) for (const [reason, n] of Object.entries(lossesOfStats(run.lastStats?.stats))) droppedByReason[reason] = (droppedByReason[reason] ?? 0) + n;
  const statsDrops = sum(Object.values(droppedByReason));
  const lossEvents = lossEventTotals(trail.lossEvents);
  const countedDrops = Math.max(statsDrops, lossEvents.lost);
  const last = runs.at(-1);
  const leftInSpool = last?.clean ? backlogOfStats(last.lastStats?.stats) : 0;
  const nonTickMissing = missingSessionEvents(runs, trail, windowMillis);
  const droppedTicks = Math.max(0, countedDrops - nonTickMissing);
  const counted = droppedTicks + leftInSpool;

  const toOutside = Math.min(counted, books.outside);
  const toWindow = Math.min(counted - toOutside, books.inWindow);
  return {
    runs: runs.length,
    kills: runs.filter((r) => r.killedAt !== undefined).length,
    windowMillis,
    generated: books.generated,
    delivered: books.delivered,
    inMemoryAtCrash: books.inWindow - toWindow,
    droppedByReason,
    statsDrops,
    countedDrops,
    droppedTicks,
    leftInSpool,
    nonTickMissing,
    counted,
    unexplained: books.outside - toOutside,
    overcounted: counted - toOutside - toWindow,
    lost: books.outside,
    undelivered: books.undelivered,
    phantom: countPhantoms(trail, books.generatedKeys),
    duplicated: proxy.duplicateAcks(),
    acknowledged: proxy.acknowledged,
    ackedMissing: countMissing(proxy.acknowledgedIds(), trail.eventIds),
    storedTwice: trail.storedTwice,
    badTrailLines: trail.badLines,
    lossEvents,
  };
}

function tally(books, { run, gen, killedAt }, trail, windowMillis) {
  const windowStart = killedAt === undefined ? Infinity : killedAt - windowMillis;
  for (let i = 0; i < gen.count; i++) {
    const key = `${run} ${gen.seqs[i]}`;
    books.generated++;
    books.generatedKeys.add(key);
    if (trail.ticks.has(key)) books.delivered++;
    else if (gen.times[i] >= windowStart) books.inWindow++;
    else {
      books.outside++;
      books.undelivered.add(key);
    }
  }
}

/** session.start of every run that lived past W, and session.end of every run that shut down cleanly, missing from the trail. */
function missingSessionEvents(runs, trail, windowMillis) {
  let missing = 0;
  for (const { run, clean, killedAt, startedAt } of runs) {
    const session = `chaos-${run}`;
    if ((killedAt === undefined || killedAt - startedAt > windowMillis) && !trail.sessionEvents.has(`${session} session.start`)) missing++;
    if (clean && !trail.sessionEvents.has(`${session} session.end`)) missing++;
  }
  return missing;
}

function countPhantoms(trail, generatedKeys) {
  let phantoms = 0;
  for (const key of trail.ticks.keys()) if (!generatedKeys.has(key)) phantoms++;
  return phantoms;
}

function countMissing(ids, present) {
  let missing = 0;
  for (const id of ids) if (!present.has(id)) missing++;
  return missing;
}

/** Distinct audit.loss events: how many, the events they report lost (`lost`, else the sum of their reasons), and by reason. */
function lossEventTotals(lossEvents) {
  const reasons = {};
  let lost = 0;
  for (const payload of lossEvents.values()) {
    const byReason = lossEventReasons(payload);
    for (const [reason, n] of Object.entries(byReason)) reasons[reason] = (reasons[reason] ?? 0) + n;
    lost += typeof payload.lost === 'number' ? payload.lost : sum(Object.values(byReason));
  }
  return { count: lossEvents.size, lost, reasons };
}

function sum(values) {
  return values.reduce((a, b) => a + b, 0);
}
