// The checks a scenario passes or fails on. Every scenario gets the general
// ones (the books balance exactly, acknowledged means stored, no loss is
// silent); each adds its own acceptance from the issue.
import { AGENT } from './settings.mjs';

const fmt = (n) => n.toLocaleString('en-US');
const check = (ok, text) => ({ ok, text });

/** Checks every scenario must pass. */
export function generalChecks(acc) {
  const checks = [
    check(acc.unexplained === 0, `unexplained loss: ${fmt(acc.unexplained)} events neither delivered, in memory at crash, nor counted as dropped`),
    check(acc.overcounted === 0, `books do not balance: ${fmt(acc.overcounted)} more events counted as lost than are missing (counted as failed yet delivered, or counted twice)`),
    check(acc.ackedMissing === 0, `${fmt(acc.ackedMissing)} of ${fmt(acc.acknowledged)} events the receiver acknowledged (2xx) are not in its file`),
    check(acc.phantom === 0, `${fmt(acc.phantom)} ticks in the trail were never generated`),
  ];
  if (acc.statsDrops > 0) checks.push(check(acc.lossEvents.count > 0, `${fmt(acc.statsDrops)} events counted as lost in stats() but no audit.loss event in the trail (silent to the audit API)`));
  checks.push(
    check(
      acc.lossEvents.lost <= acc.statsDrops,
      `the trail's audit.loss events report ${fmt(acc.lossEvents.lost)} events lost, stats() counts ${fmt(acc.statsDrops)}: stats() misses ${fmt(acc.lossEvents.lost - acc.statsDrops)}`,
    ),
  );
  return checks;
}

/** "→ 0 lost": nothing undelivered beyond what was in memory at a crash, counted or not, and nothing left behind in the spool. */
export function noLoss(acc) {
  return [
    check(acc.lost === 0, `${fmt(acc.lost)} events lost (${fmt(acc.countedDrops)} of them counted as dropped); expected 0`),
    check(acc.leftInSpool === 0, `${fmt(acc.leftInSpool)} events still in the spool when the last run ended; expected all delivered`),
  ];
}

/** "duplicates ≤ the in-flight batches": at most maxConcurrentRequests × 100 events re-sent per kill. */
export function duplicatesWithinInFlight(acc, kills) {
  const bound = kills * AGENT.maxConcurrentRequests * AGENT.maxBatchSize;
  return [check(acc.duplicated <= bound, `${fmt(acc.duplicated)} duplicate acknowledgements; the in-flight batches bound them to ${fmt(bound)} (${kills} kills × ${AGENT.maxConcurrentRequests} requests × ${AGENT.maxBatchSize} events)`)];
}

/** "disk full → counted drops and an audit.loss event, nothing silent". */
export function countedDropsWithLossEvent(acc, what) {
  return [
    check(acc.countedDrops > 0, `${what}: no drops counted in stats(); expected the full disk to cost counted drops`),
    check(acc.lossEvents.count > 0, `${what}: no audit.loss event in the trail; expected one`),
  ];
}
