// The endpoint stores each batch and then sends its answer a few bytes per
// second for slowBodyMillis: nothing the agent sends is confirmed meanwhile,
// though the receiver has it. Acceptance: 0 lost (duplicates expected: the
// receiver stored what the agent re-sends).
import { noLoss } from '../acceptance.mjs';
import { endpointFault } from '../steady-run.mjs';

export default {
  name: 'slow-body',
  describe: (s) => `answers trickling (16 bytes / 250 ms) for ${s.slowBodyMillis / 1000} s`,
  async run(h) {
    await h.startReceiver();
    await endpointFault(h, 'slow-body', h.settings.slowBodyMillis);
    return {
      checks: noLoss,
      // Whether the agent has a deadline for a whole answer, or only for the gap between two chunks.
      notes: (acc) => {
        const { slowed, slowAbandoned } = acc.proxyCounters;
        const s = h.settings;
        return slowed > 0 && slowAbandoned === 0 && s.slowBodyMillis > s.requestTimeoutMillis
          ? [`none of the ${slowed} slowed answers was given up, though they trickled ${s.slowBodyMillis / 1000} s and the request timeout is ${s.requestTimeoutMillis / 1000} s: it bounds the gap between body chunks, not the whole answer`]
          : [];
      },
    };
  },
};
