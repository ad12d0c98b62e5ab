// The endpoint refuses connections (nothing listens) for the outage, at the
// steady rate, then comes back. Acceptance: 0 lost.
import { noLoss } from '../acceptance.mjs';
import { endpointFault } from '../steady-run.mjs';

export default {
  name: 'refused',
  describe: (s) => `endpoint refusing connections for ${s.outageMillis / 1000} s at ${s.rate.toLocaleString('en-US')} events/s`,
  async run(h) {
    await h.startReceiver();
    await endpointFault(h, 'refuse', h.settings.outageMillis);
    return { checks: noLoss };
  },
};
