// Repeated kill -9 of the agent at the steady rate. Each restart is a new run
// (new run id) with the same serviceName and spoolDir, so it adopts the dead
// run's spool and delivers it; a last run shuts down cleanly.
// Acceptance: 0 lost beyond the in-memory window W, duplicates ≤ the batches
// in flight at each kill.
import { setTimeout as sleep } from 'node:timers/promises';
import { duplicatesWithinInFlight, noLoss } from '../acceptance.mjs';

export default {
  name: 'agent-kill',
  describe: (s) => `${s.kills} × kill -9 of the agent at ${s.rate.toLocaleString('en-US')} events/s, restarted on its spool each time`,
  async run(h) {
    const s = h.settings;
    await h.startReceiver();
    for (let i = 0; i < s.kills; i++) {
      const agent = await h.startAgent();
      const [min, max] = s.killLifeMillis;
      await sleep(min + h.random() * (max - min));
      await agent.kill9();
    }
    const last = await h.startAgent();
    await sleep(s.finalRunMillis);
    await last.stop();
    return { checks: (acc) => [...noLoss(acc), ...duplicatesWithinInFlight(acc, s.kills)] };
  },
};
