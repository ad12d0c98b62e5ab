// Sizes of the chaos scenarios: full mode is the acceptance run
// (20 kills at 1,000 events/s, 60 s outages, 60 s of 2 s / 2 s flapping);
// quick mode keeps a CI run of every scenario around 90 s.

/**
 * The agent's pipeline settings. scheduledDelayMillis and spoolFlushMillis
 * are passed explicitly because they bound what a kill -9 may lose (W).
 * maxConcurrentRequests × the Secureagentics batch limit (100, fixed by its
 * API) bounds what a kill may duplicate: the batches in flight.
 */
export const AGENT = Object.freeze({
  scheduledDelayMillis: 100,
  spoolFlushMillis: 100,
  maxConcurrentRequests: 8,
  maxBatchSize: 100,
  // Far longer than any outage here: no event may age out of the spool.
  maxEventAgeMillis: 3_600_000,
  shutdownTimeoutMillis: 10_000,
  statsIntervalMillis: 100,
});

/**
 * Slack on top of the two delays: the timer that converts spans and the
 * group commit each fire a little late on a loaded machine (three processes
 * on two cores here, the event loop of each busy).
 */
export const SLACK_MILLIS = 100;

/** W: events generated this long before a kill -9 may have been only in memory. */
export const IN_MEMORY_WINDOW_MILLIS = AGENT.scheduledDelayMillis + AGENT.spoolFlushMillis + SLACK_MILLIS;

const QUICK = {
  rate: 1_000,
  warmupMillis: 1_000,
  recoveryMillis: 2_000,
  // How long the last run may wait for delivery after SIGTERM.
  settleMillis: 20_000,
  // Shorter than the default 10 s so a blackholed request gives up within the quick budget.
  requestTimeoutMillis: 2_000,
  kills: 3,
  killLifeMillis: [800, 1_600],
  finalRunMillis: 1_500,
  outageMillis: 5_000,
  flapMillis: 8_000,
  flapPeriodMillis: 2_000,
  slowBodyMillis: 5_000,
  receiverKills: 2,
  receiverDownMillis: 1_000,
  receiverUpMillis: 1_500,
  diskFullMillis: 3_000,
  spoolFillMillis: 2_000,
  tmpfsSize: '64m',
};

const FULL = {
  ...QUICK,
  warmupMillis: 2_000,
  recoveryMillis: 10_000,
  settleMillis: 120_000,
  requestTimeoutMillis: 10_000,
  kills: 20,
  killLifeMillis: [1_500, 3_000],
  finalRunMillis: 3_000,
  outageMillis: 60_000,
  flapMillis: 60_000,
  slowBodyMillis: 30_000,
  receiverKills: 5,
  receiverDownMillis: 2_000,
  receiverUpMillis: 3_000,
  diskFullMillis: 20_000,
  spoolFillMillis: 5_000,
  tmpfsSize: '256m',
};

/** The settings of one mode, with `rate` overridable (`--rate`). */
export function settingsFor({ quick, rate }) {
  const base = quick ? QUICK : FULL;
  return Object.freeze({ ...base, mode: quick ? 'quick' : 'full', rate: rate ?? base.rate });
}
