// The receiver's disk fills up (its trail on a full tmpfs) for
// diskFullMillis, then frees. The receiver must not acknowledge what it could
// not write (it answers 507 and the agent retries); whatever the agent gives
// up is counted and reported. Acceptance: every acknowledged event is in the
// file, the books balance exactly, drops (if any) come with an audit.loss event.
import { join } from 'node:path';
import { steadyRun } from '../steady-run.mjs';
import { holdDiskFull } from '../tmpfs.mjs';

export default {
  name: 'disk-full-receiver',
  describe: (s) => `receiver's trail on a full tmpfs for ${s.diskFullMillis / 1000} s at ${s.rate.toLocaleString('en-US')} events/s`,
  async run(h) {
    const mount = h.mount('receiver');
    if (!mount.ok) return { skipped: mount.reason };
    await h.startReceiver({ file: join(mount.dir, 'trail.jsonl') });
    await steadyRun(h, () => holdDiskFull(mount.dir, h.settings.diskFullMillis));
    return { checks: () => [] };
  },
};
