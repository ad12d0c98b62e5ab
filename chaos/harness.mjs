// One scenario's world: a temp directory, the receiver child, the proxy in
// front of it, the agent runs (same serviceName and spoolDir, so each run
// adopts the spool of the one before), tmpfs mounts; then the books, and a
// cleanup that leaves nothing behind (children, ports, mounts, files) even
// when the scenario threw.
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { account } from './accounting.mjs';
import { startAgent } from './agent-process.mjs';
import { readGenerationLog } from './generation-log.mjs';
import { startProxy } from './proxy.mjs';
import { ReceiverProcess } from './receiver-process.mjs';
import { AGENT, IN_MEMORY_WINDOW_MILLIS } from './settings.mjs';
import { mountTmpfs, unmountTmpfs } from './tmpfs.mjs';
import { TrailReader } from './trail-reader.mjs';

const API_KEY = 'chaos-key';
const SERVICE_NAME = 'chaos-agent';
/** The trail has settled when its size holds this long (the receiver's writes are asynchronous). */
const TRAIL_QUIET_MILLIS = 500;
const TRAIL_SETTLE_MAX_MILLIS = 15_000;

export class Harness {
  receiver;
  proxy;
  agents = [];
  #mounts = [];

  /** @param random a seeded () => [0, 1), so a failing run can be repeated with its seed */
  constructor({ name, settings, dist, keep, random }) {
    this.name = name;
    this.settings = settings;
    this.random = random;
    this.dist = dist;
    this.keep = keep;
    this.dir = mkdtempSync(join(tmpdir(), `otel-agent-audit-chaos-${name}-`));
    this.spoolDir = join(this.dir, 'spool');
  }

  /** Starts the receiver (trail in `file`, default in the temp dir) and the proxy in front of it. */
  async startReceiver({ file = join(this.dir, 'trail.jsonl') } = {}) {
    const cli = join(this.dist, 'cli', 'main.js');
    this.receiver = new ReceiverProcess({ cli, file, apiKey: API_KEY, logFile: join(this.dir, 'receiver.err') });
    await this.receiver.start();
    this.proxy = await startProxy({ upstream: this.receiver.url, flapMillis: this.settings.flapPeriodMillis });
  }

  /** Starts the next agent run, sending through the proxy; resolves once it emits. `overrides`: agent settings for this scenario. */
  async startAgent({ rate = this.settings.rate, ...overrides } = {}) {
    const run = `${this.name}-${this.agents.length + 1}`;
    const config = {
      ...AGENT,
      rate,
      serviceName: SERVICE_NAME,
      spoolDir: this.spoolDir,
      baseUrl: this.proxy.url,
      apiKey: API_KEY,
      requestTimeoutMillis: this.settings.requestTimeoutMillis,
      settleMillis: this.settings.settleMillis,
      ...overrides,
    };
    const agent = await startAgent({ dir: this.dir, run, dist: this.dist, config });
    this.agents.push(agent);
    return agent;
  }

  /** Mounts a tmpfs on `<dir>/<sub>`: `{ ok, dir }`, or `{ ok: false, reason }`. */
  mount(sub) {
    const dir = join(this.dir, sub);
    const result = mountTmpfs(dir, this.settings.tmpfsSize);
    if (result.ok) this.#mounts.push(dir);
    return { ...result, dir };
  }

  /** The books, once every agent has exited and the trail has settled. */
  async account() {
    for (const agent of this.agents) if (agent.record.clean === undefined && agent.record.killedAt === undefined) await agent.kill9();
    const trail = new TrailReader(this.receiver.file);
    await settleTrail(trail);
    const runs = this.agents.map(({ record }) => ({
      ...record,
      gen: readGenerationLog(record.genLog, record.run),
      lastStats: readJson(record.statsFile),
    }));
    return { ...account({ runs, trail, proxy: this.proxy, windowMillis: IN_MEMORY_WINDOW_MILLIS }), proxyCounters: { ...this.proxy.counters } };
  }

  /** The last stats snapshot of a run (agent.record), or undefined. */
  statsOf(agent) {
    return readJson(agent.record.statsFile)?.stats;
  }

  /**
   * The last lines each child wrote to stderr (the agents' loss reports, the
   * receiver's write errors), for a failing scenario: its directory is gone
   * after cleanup unless --keep.
   */
  diagnostics(linesPerFile = 2, maxChars = 400) {
    const out = [];
    for (const name of readdirSync(this.dir).filter((f) => f.endsWith('.err')).sort()) {
      const lines = readFileSync(join(this.dir, name), 'utf8').split('\n').filter((l) => l.trim() !== '');
      for (const line of lines.slice(-linesPerFile)) out.push(`${name}: ${line.length > maxChars ? `${line.slice(0, maxChars)}…` : line}`);
    }
    return out;
  }

  async cleanup() {
    const steps = [
      ...this.agents.map((agent) => () => (agent.record.clean === undefined && agent.record.killedAt === undefined ? agent.kill9() : undefined)),
      () => this.proxy?.close(),
      () => this.receiver?.stop(),
      ...this.#mounts.map((dir) => () => unmountTmpfs(dir)),
      () => (this.keep ? undefined : rmSync(this.dir, { recursive: true, force: true })),
    ];
    // Every step runs, whichever failed before it.
    for (const step of steps) {
      try {
        await step();
      } catch (error) {
        console.error(`chaos: cleanup of ${this.name}: ${error.message}`);
      }
    }
  }
}

async function settleTrail(trail) {
  const deadline = Date.now() + TRAIL_SETTLE_MAX_MILLIS;
  let size = await trail.poll();
  while (Date.now() < deadline) {
    await sleep(TRAIL_QUIET_MILLIS);
    const next = await trail.poll();
    if (next === size) return;
    size = next;
  }
}

function readJson(file) {
  try {
    return JSON.parse(readFileSync(file, 'utf8'));
  } catch {
    return undefined;
  }
}
