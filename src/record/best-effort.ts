/**
 * Recording must never fail the agent's call: reading odd input (revoked
 * proxies, throwing getters) degrades what is recorded, never what runs.
 */
export function bestEffort<T>(read: () => T, fallback: () => T): T {
  try {
    return read();
  } catch {
    try {
      return fallback();
    } catch {
      return undefined as T;
    }
  }
}
