// `npm run chaos`: the chaos suite. Real child processes (the agent, the
// receiver) at a steady event rate, through a controllable loopback proxy;
// each scenario prints generated / delivered / duplicated / dropped by reason
// and fails on any unexplained loss or a missed acceptance.
//
//   node chaos/run.mjs [--quick] [--rate N] [--seed N] [--keep] [scenario …]
//   node chaos/run.mjs --list
//
// Exit code 0 when every scenario run passed (skipped ones included), 1 when
// one failed, 2 for a usage error. CHAOS_DIST points at another build's
// dist/esm directory (default: this checkout's dist/esm).
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { generalChecks } from './acceptance.mjs';
import { Harness } from './harness.mjs';
import { scenarioBlock, summaryTable } from './report.mjs';
import { AGENT, IN_MEMORY_WINDOW_MILLIS, SLACK_MILLIS, settingsFor } from './settings.mjs';
import agentKill from './scenarios/agent-kill.mjs';
import blackhole from './scenarios/blackhole.mjs';
import diskFullReceiver from './scenarios/disk-full-receiver.mjs';
import diskFullSpool from './scenarios/disk-full-spool.mjs';
import flapping from './scenarios/flapping.mjs';
import receiverKill from './scenarios/receiver-kill.mjs';
import refused from './scenarios/refused.mjs';
import slowBody from './scenarios/slow-body.mjs';
import spoolDamage from './scenarios/spool-damage.mjs';

const SCENARIOS = [agentKill, refused, blackhole, flapping, slowBody, diskFullSpool, diskFullReceiver, receiverKill, spoolDamage];

function usage(message) {
  console.error(`${message}\nUsage: node chaos/run.mjs [--quick] [--rate N] [--seed N] [--keep] [scenario …]   (--list for the scenarios)`);
  process.exit(2);
}

let args;
try {
  args = parseArgs({
    allowPositionals: true,
    options: { quick: { type: 'boolean' }, rate: { type: 'string' }, seed: { type: 'string' }, keep: { type: 'boolean' }, list: { type: 'boolean' } },
  });
} catch (error) {
  usage(error.message);
}
const { values, positionals } = args;
if (values.list) {
  const settings = settingsFor({ quick: values.quick });
  for (const s of SCENARIOS) console.log(`${s.name.padEnd(20)} ${s.describe(settings)}`);
  process.exit(0);
}
const unknown = positionals.filter((name) => !SCENARIOS.some((s) => s.name === name));
if (unknown.length > 0) usage(`unknown scenario ${unknown.join(', ')}; known: ${SCENARIOS.map((s) => s.name).join(', ')}`);
const rate = values.rate === undefined ? undefined : Number(values.rate);
if (rate !== undefined && !(Number.isInteger(rate) && rate > 0)) usage(`--rate must be a positive integer, got '${values.rate}'`);
const seed = values.seed === undefined ? Date.now() % 2 ** 31 : Number(values.seed);

const dist = resolve(process.env.CHAOS_DIST ?? join(fileURLToPath(new URL('.', import.meta.url)), '..', 'dist', 'esm'));
if (!existsSync(join(dist, 'index.js')) || !existsSync(join(dist, 'cli', 'main.js'))) {
  console.error(`chaos: no build at ${dist} (index.js and cli/main.js). Run \`npm run build\`, or set CHAOS_DIST to a dist/esm directory.`);
  process.exit(2);
}

const settings = settingsFor({ quick: values.quick, rate });
const selected = positionals.length === 0 ? SCENARIOS : SCENARIOS.filter((s) => positionals.includes(s.name));
const random = mulberry32(seed);
let current;
for (const signal of ['SIGINT', 'SIGTERM']) {
  process.once(signal, async () => {
    console.error(`\nchaos: ${signal}, cleaning up`);
    await current?.cleanup();
    process.exit(130);
  });
}

console.log(`otel-agent-audit chaos — ${settings.mode} mode, node ${process.version}, dist ${dist}, seed ${seed}`);
console.log(
  `W (in memory at a kill -9) = scheduledDelayMillis ${AGENT.scheduledDelayMillis} + spoolFlushMillis ${AGENT.spoolFlushMillis} + slack ${SLACK_MILLIS} = ${IN_MEMORY_WINDOW_MILLIS} ms\n`,
);
const suiteStart = performance.now();
const results = [];
for (const scenario of selected) results.push(await runScenario(scenario));
console.log(`\n${summaryTable(results)}\n`);
const failed = results.filter((r) => !r.skipped && (r.failures.length > 0 || r.error));
console.log(`${failed.length === 0 ? 'PASS' : `FAIL (${failed.map((r) => r.scenario).join(', ')})`} in ${((performance.now() - suiteStart) / 1000).toFixed(1)} s`);
process.exitCode = failed.length === 0 ? 0 : 1;

async function runScenario(scenario) {
  const started = performance.now();
  const h = new Harness({ name: scenario.name, settings, dist, keep: values.keep, random });
  current = h;
  const result = { scenario: scenario.name, description: scenario.describe(settings), failures: [], notes: [] };
  try {
    const outcome = await scenario.run(h);
    if (outcome.skipped) result.skipped = outcome.skipped;
    else {
      result.acc = await h.account();
      result.failures = [...generalChecks(result.acc), ...outcome.checks(result.acc)].filter((c) => !c.ok).map((c) => c.text);
      result.notes = outcome.notes?.(result.acc) ?? [];
    }
  } catch (error) {
    result.error = error;
  } finally {
    if (result.error || result.failures.length > 0) result.diagnostics = safely(() => h.diagnostics());
    await h.cleanup();
    current = undefined;
  }
  if (values.keep) result.notes.push(`kept ${h.dir}`);
  result.seconds = (performance.now() - started) / 1000;
  console.log(scenarioBlock(result));
  return result;
}

function safely(fn) {
  try {
    return fn();
  } catch (error) {
    return [`(could not read the children's logs: ${error.message})`];
  }
}

/** A small seeded generator, so a run's kill timings can be repeated with --seed. */
function mulberry32(a) {
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
