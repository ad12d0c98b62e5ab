// kill -9 of the receiver while the agent emits, restarted on the same file
// and port each time. Acceptance: every event the receiver acknowledged is
// in its file (checked for every scenario; here it is the point).
import { setTimeout as sleep } from 'node:timers/promises';
import { steadyRun } from '../steady-run.mjs';

export default {
  name: 'receiver-kill',
  describe: (s) => `${s.receiverKills} × kill -9 of the receiver, down ${s.receiverDownMillis / 1000} s each time`,
  async run(h) {
    const s = h.settings;
    await h.startReceiver();
    await steadyRun(h, async () => {
      for (let i = 0; i < s.receiverKills; i++) {
        await h.receiver.kill9();
        await sleep(s.receiverDownMillis);
        await h.receiver.start();
        await sleep(s.receiverUpMillis);
      }
    });
    return { checks: () => [] };
  },
};
