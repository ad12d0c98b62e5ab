// The endpoint flaps: refusing and passing, toggling every flapPeriodMillis
// (2 s / 2 s), for flapMillis. Acceptance: 0 lost.
import { noLoss } from '../acceptance.mjs';
import { endpointFault } from '../steady-run.mjs';

export default {
  name: 'flapping',
  describe: (s) => `endpoint flapping ${s.flapPeriodMillis / 1000} s refused / ${s.flapPeriodMillis / 1000} s up for ${s.flapMillis / 1000} s`,
  async run(h) {
    await h.startReceiver();
    await endpointFault(h, 'flap', h.settings.flapMillis);
    return { checks: noLoss };
  },
};
