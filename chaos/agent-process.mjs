// The runner's side of one agent child (agent.mjs): start it, kill -9 it,
// pause or stop it, and remember what the accounting needs about the run
// (its generation log, its stats file, when it was killed).
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { spawnNode } from './child-process.mjs';

const AGENT_SCRIPT = fileURLToPath(new URL('./agent.mjs', import.meta.url));
const READY_TIMEOUT_MILLIS = 30_000;

/**
 * Starts one agent run and resolves once it emits (its session has started).
 *
 * @param config the agent's settings (agent.mjs), minus the per-run files, which are put in `dir`.
 * @example
 * const agent = await startAgent({ dir, run: 'k1', dist, config: { rate: 1000, baseUrl: proxy.url, … } });
 * await agent.kill9();
 */
export async function startAgent({ dir, run, dist, config }) {
  const files = { genLog: join(dir, `gen-${run}.log`), statsFile: join(dir, `stats-${run}.json`) };
  const child = spawnNode([AGENT_SCRIPT, JSON.stringify({ ...config, run, ...files })], {
    logFile: join(dir, `agent-${run}.err`),
    env: { CHAOS_DIST: dist },
  });
  const agent = new AgentProcess(child, { run, ...files, startedAt: Date.now() }, config);
  await child.waitForLine(/^ready /, READY_TIMEOUT_MILLIS);
  return agent;
}

export class AgentProcess {
  #child;
  #config;

  constructor(child, record, config) {
    this.#child = child;
    this.#config = config;
    /** What the accounting reads: { run, genLog, statsFile, startedAt, killedAt?, clean? }. */
    this.record = record;
  }

  get run() {
    return this.record.run;
  }

  /** kill -9. The time is taken just before the signal: events generated within W of it may be lost. */
  async kill9() {
    this.record.killedAt = Date.now();
    this.#child.signal('SIGKILL');
    await this.#child.exited;
  }

  /** Stops emitting; the process stays up with its pipeline (and spool) as they are. */
  pause() {
    this.#child.signal('SIGUSR2');
  }

  /**
   * SIGTERM: the agent settles (≤ settleMillis), shuts down (≤ shutdownTimeoutMillis
   * plus the 1 s + 1 s shutdown allows past it) and exits. One that overruns
   * that is SIGKILLed and counted as a crash at that moment.
   */
  async stop() {
    const graceMillis = this.#config.settleMillis + this.#config.shutdownTimeoutMillis + 5_000;
    const exit = await this.#child.stop(graceMillis);
    if (exit.forced) this.record.killedAt = Date.now();
    this.record.clean = !exit.forced && exit.code === 0;
    return exit;
  }
}
