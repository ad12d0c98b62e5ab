// The shape most scenarios share: one agent emitting at the steady rate
// through a healthy endpoint, a fault for a while, a recovery period at the
// same rate, then a clean stop (the agent settles and shuts down).
import { setTimeout as sleep } from 'node:timers/promises';

/**
 * @param fault async (agent) => …: the scenario's fault, started after the warm-up; resolves when it is over
 * @param agentOptions settings of this scenario's agent (h.startAgent)
 * @example
 * await steadyRun(h, async () => { await h.proxy.setMode('refuse'); await sleep(5_000); await h.proxy.setMode('pass'); });
 */
export async function steadyRun(h, fault, agentOptions) {
  const agent = await h.startAgent(agentOptions);
  await sleep(h.settings.warmupMillis);
  await fault(agent);
  await sleep(h.settings.recoveryMillis);
  await agent.stop();
}

/** A fault of the endpoint: the proxy in `mode` for `millis`, then passing again. */
export function endpointFault(h, mode, millis) {
  return steadyRun(h, async () => {
    await h.proxy.setMode(mode);
    await sleep(millis);
    await h.proxy.setMode('pass');
  });
}
