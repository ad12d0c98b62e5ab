// The endpoint accepts connections and never answers for the outage: only
// the agent's request timeout ends each attempt. Acceptance: 0 lost.
import { noLoss } from '../acceptance.mjs';
import { endpointFault } from '../steady-run.mjs';

export default {
  name: 'blackhole',
  describe: (s) => `endpoint blackholed (connects, never answers) for ${s.outageMillis / 1000} s, request timeout ${s.requestTimeoutMillis / 1000} s`,
  async run(h) {
    await h.startReceiver();
    await endpointFault(h, 'blackhole', h.settings.outageMillis);
    return { checks: noLoss };
  },
};
