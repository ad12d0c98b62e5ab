// Corrupt and torn spool files. An agent spools with the endpoint refused,
// stops emitting, and is killed -9 with its spool at rest; its segments are
// damaged (bytes flipped in the middle record of one, the last record of the
// newest cut half-way); a new run adopts the spool with the endpoint back.
// Acceptance: the damaged records are counted (as dropped, with their
// reason in audit.loss), and every other event is delivered.
import { setTimeout as sleep } from 'node:timers/promises';
import { lossesOfStats } from '../loss-reasons.mjs';
import { damageSpool } from '../spool-files.mjs';
import { IN_MEMORY_WINDOW_MILLIS } from '../settings.mjs';

/** After the pause, time for the last spans to be converted and committed: W, and some. */
const AT_REST_MILLIS = IN_MEMORY_WINDOW_MILLIS + 500;

export default {
  name: 'spool-damage',
  describe: (s) => `${s.spoolFillMillis / 1000} s spooled with the endpoint refused, then a corrupt record and a torn tail`,
  async run(h) {
    const s = h.settings;
    await h.startReceiver();
    await h.proxy.setMode('refuse');
    const writer = await h.startAgent();
    await sleep(s.spoolFillMillis);
    writer.pause();
    await sleep(AT_REST_MILLIS);
    await writer.kill9();
    const damage = damageSpool(h.spoolDir);
    await h.proxy.setMode('pass');
    const reader = await h.startAgent();
    await sleep(s.finalRunMillis);
    await reader.stop();
    return { checks: (acc) => damageChecks(acc, damage, h.statsOf(reader)), notes: () => damageNotes(damage) };
  },
};

/**
 * The spool counts a damaged record as dropped for each backend and says why
 * in the loss report (`… damaged on disk …`, `… cut off by a crash …`), which
 * the trail carries as `audit.loss`; a `spool` counter named corrupt / torn
 * is taken as well.
 */
function damageChecks(acc, damage, stats) {
  const damaged = new Set([...damage.corrupt, ...damage.torn]);
  let otherLost = 0;
  for (const key of acc.undelivered) if (!damaged.has(key)) otherLost++;
  const reasons = { ...acc.lossEvents.reasons, ...lossesOfStats({ spool: stats?.spool }) };
  const countedAs = (pattern) => Object.entries(reasons).filter(([reason]) => pattern.test(reason)).reduce((n, [, v]) => n + v, 0);
  const seen = `audit.loss reasons: ${JSON.stringify(acc.lossEvents.reasons)}; stats().spool: ${JSON.stringify(stats?.spool ?? null)}`;
  return [
    { ok: damage.problem === undefined, text: `spool damage: ${damage.problem}` },
    { ok: otherLost === 0, text: `${otherLost.toLocaleString('en-US')} events outside the damaged records were not delivered` },
    { ok: countedAs(/corrupt|damaged/i) > 0, text: `the corrupt record is not counted as such (${seen})` },
    { ok: countedAs(/torn|cut off/i) > 0, text: `the torn record is not counted as such (${seen})` },
  ];
}

function damageNotes(damage) {
  return [`damaged ${damage.segments} segment(s) of ${damage.records} records: corrupt record holds ${damage.corrupt.length} ticks, torn record ${damage.torn.length}`];
}
