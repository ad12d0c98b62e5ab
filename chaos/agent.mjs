// The agent child of the chaos suite: one `withSession` for its whole life,
// emitting `rate` events a second from a timer, each one `withToolCall`
// ('chaos.tick', { run, seq }) span, which yields exactly one `tool_call`
// audit event carrying { run, seq } as its arguments.
//
//   node chaos/agent.mjs '<json config>'     (the runner builds the config: agent-process.mjs)
//
// Before emitting seq, it appends "run seq epochMillis\n" to its generation
// log with appendFileSync: the line is in the page cache before the span
// exists, so it survives a kill -9 and the runner knows what was generated.
// It writes stats() to its stats file every `statsIntervalMillis` (so a
// killed run still leaves its last counters) and once more, `final: true`,
// after shutdown().
//   SIGTERM  stop emitting, end the session, wait (≤ settleMillis) until
//            nothing is queued, in flight or spooled, then shutdown() and exit 0;
//   SIGUSR2  stop emitting, keep running (a scenario then kills it with its
//            spool at rest).
import { appendFileSync, openSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { setTimeout as sleep } from 'node:timers/promises';

const TICK_MILLIS = 10;

const config = JSON.parse(process.argv[2]);
const dist = process.env.CHAOS_DIST ?? join(dirname(fileURLToPath(import.meta.url)), '..', 'dist', 'esm');
const { setupAudit, secureagentics, withSession, withToolCall } = await import(pathToFileURL(join(dist, 'index.js')).href);

const audit = setupAudit({
  serviceName: config.serviceName,
  otlp: false,
  backends: [secureagentics({ baseUrl: config.baseUrl, apiKey: config.apiKey, agentName: 'chaos-agent', requestTimeoutMillis: config.requestTimeoutMillis })],
  // Passed explicitly so the runner knows the in-memory window W of a kill -9.
  scheduledDelayMillis: config.scheduledDelayMillis,
  spoolDir: config.spoolDir,
  spoolFlushMillis: config.spoolFlushMillis,
  maxEventAgeMillis: config.maxEventAgeMillis,
  maxConcurrentRequests: config.maxConcurrentRequests,
  maxQueueSize: config.maxQueueSize,
  shutdownTimeoutMillis: config.shutdownTimeoutMillis,
});

const genLog = openSync(config.genLog, 'a');
let seq = 0;
let emitting = config.rate > 0;
let stopRequested;
const stopped = new Promise((resolve) => (stopRequested = resolve));
process.once('SIGTERM', () => stopRequested());
process.on('SIGUSR2', () => (emitting = false));

function writeStats(final) {
  const snapshot = { run: config.run, final, at: Date.now(), generated: seq, stats: audit.stats() };
  try {
    writeFileSync(`${config.statsFile}.tmp`, JSON.stringify(snapshot));
    renameSync(`${config.statsFile}.tmp`, config.statsFile); // a kill -9 never leaves half a file
  } catch (error) {
    process.stderr.write(`chaos agent ${config.run}: writing stats failed: ${error.message}\n`);
  }
}
const snapshots = setInterval(() => writeStats(false), config.statsIntervalMillis);

function emit(n) {
  appendFileSync(genLog, `${config.run} ${n} ${Date.now()}\n`);
  withToolCall('chaos.tick', { run: config.run, seq: n }, () => n);
}

await withSession({ sessionId: `chaos-${config.run}`, agentName: 'chaos-agent' }, async () => {
  process.stdout.write(`ready ${config.run}\n`);
  const start = performance.now();
  // Timer-driven at a steady rate: each tick emits what is due by now, so a
  // late timer catches up instead of lowering the rate.
  const ticks = setInterval(() => {
    if (!emitting) return;
    const due = Math.floor(((performance.now() - start) * config.rate) / 1000);
    while (seq < due) emit(seq++);
  }, TICK_MILLIS);
  await stopped;
  clearInterval(ticks);
});

await settle(config.settleMillis);
await audit.shutdown();
clearInterval(snapshots);
writeStats(true);
process.exit(0);

/** Waits until every backend has nothing queued, in flight or spooled, or `millis` pass. */
async function settle(millis) {
  const deadline = Date.now() + millis;
  while (Date.now() < deadline) {
    await within(audit.flush(), deadline - Date.now());
    if (pending(audit.stats()) === 0) return;
    await sleep(100);
  }
}

function within(promise, millis) {
  let timer;
  return Promise.race([promise, new Promise((resolve) => (timer = setTimeout(resolve, Math.max(0, millis))))]).finally(() => clearTimeout(timer));
}

function pending(stats) {
  let sum = stats.spansQueued ?? 0;
  for (const backend of Object.values(stats.backends)) sum += backend.queued + backend.inFlight + (backend.backlog ?? 0);
  return sum;
}
