// The event ids in a Secureagentics request body, as the proxy forwards it
// (src/receiver/routes.ts, src/backends/secureagentics/secureagentics-wire.ts):
//   POST /v1/agents/{id}/events/batch  {"events":[{type, payload:{event_id,…}, trace_id, timestamp}, …]}
//   POST /v1/agents/{id}/events        {type, payload:{event_id,…}, trace_id, timestamp}
// Secureagentics has no id field, so ours travels as payload.event_id.

const BATCH_PATH = /^\/v1\/agents\/[^/]+\/events\/batch$/;
const SINGLE_PATH = /^\/v1\/agents\/[^/]+\/events$/;

/**
 * The `payload.event_id`s a request carries; [] for any other request (an
 * agent registration, a listing) or a body that is not JSON.
 *
 * @example
 * eventIdsOfRequest('POST', '/v1/agents/agt_1/events/batch', '{"events":[{"payload":{"event_id":"a"}}]}'); // ['a']
 */
export function eventIdsOfRequest(method, url, body) {
  if (method !== 'POST') return [];
  const path = url.split('?', 1)[0];
  const batch = BATCH_PATH.test(path);
  if (!batch && !SINGLE_PATH.test(path)) return [];
  let value;
  try {
    value = JSON.parse(body);
  } catch {
    return [];
  }
  const events = batch ? value?.events : [value];
  if (!Array.isArray(events)) return [];
  return events.map((event) => event?.payload?.event_id).filter((id) => typeof id === 'string');
}
