// The spool's disk is full (a tmpfs taken to its last byte, topped up as the
// spool frees segments) while the endpoint refuses, for diskFullMillis, at
// the steady rate; then both recover. Events the spool cannot write are kept
// in memory, so a full disk alone loses nothing; with the backend behind
// and the memory bound small (maxQueueSize, below what the outage brings),
// a loss cannot be avoided, and this is where it must be counted and reported.
// Acceptance: drops counted by reason and an audit.loss event in the trail,
// nothing silent (and, as everywhere, the books balance exactly).
import { countedDropsWithLossEvent } from '../acceptance.mjs';
import { steadyRun } from '../steady-run.mjs';
import { holdDiskFull } from '../tmpfs.mjs';

/** Events held in memory per backend: a second of the steady rate, far less than the outage brings. */
const MAX_QUEUE_SIZE = 1_000;

export default {
  name: 'disk-full-spool',
  describe: (s) => `spool on a full tmpfs and the endpoint refusing for ${s.diskFullMillis / 1000} s at ${s.rate.toLocaleString('en-US')} events/s`,
  async run(h) {
    const mount = h.mount('spool');
    if (!mount.ok) return { skipped: mount.reason };
    h.spoolDir = mount.dir;
    await h.startReceiver();
    let spool;
    await steadyRun(h, async (agent) => {
      await h.proxy.setMode('refuse');
      await holdDiskFull(mount.dir, h.settings.diskFullMillis);
      spool = h.statsOf(agent)?.spool;
      await h.proxy.setMode('pass');
    }, { maxQueueSize: MAX_QUEUE_SIZE });
    return {
      checks: (acc) => countedDropsWithLossEvent(acc, 'spool on a full disk'),
      notes: () =>
        spool === undefined
          ? ['stats() has no `spool`: the agent ran without a write-ahead spool, so the full disk was never written to']
          : [`spool while the disk was full: ${JSON.stringify({ ...spool, dir: undefined })}`],
    };
  },
};
