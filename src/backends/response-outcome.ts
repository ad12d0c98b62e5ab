/**
 * Judges an HTTP answer from any audit API into a delivery outcome, with a
 * message that names the call, what was lost and what to check.
 */
import type { DeliveryOutcome } from '../model/delivery-outcome.js';
import type { HttpResult } from '../deliver/http-client.js';
import { parseRetryAfter } from '../deliver/retry-after.js';
import { classifyStatus } from '../deliver/retry-policy.js';
import { configurationFailure } from './configuration-problems.js';

/** One API call, as failure messages name it. */
export interface CallDescription {
  /** e.g. `secureagentics` */
  readonly backend: string;
  /** e.g. `POST /v1/agents/agt_1/events/batch`, or `POST /v1/agents (registering agent 'bot')` */
  readonly call: string;
  /** The call without its ids, e.g. `POST /v1/agents/{id}/events/batch`: a 401 on it is one kind of problem, whatever the id. */
  readonly route: string;
  /** e.g. `100 events` */
  readonly affected: string;
  /** What to check on 401/403, e.g. `Check SECUREAGENTICS_API_KEY.` */
  readonly authHint: string;
  /** What to check on 404. */
  readonly notFoundHint: string;
  /** The key and tokens the call carried: a server that echoes one in its error does not get it into our logs. */
  readonly secrets: readonly string[];
}

/**
 * The outcome for a transport failure or a non-2xx status; undefined for a
 * 2xx answer. 401, 403 and 404 are configuration failures (said once per kind).
 *
 * @example
 * const failure = failureOutcome(await client.request('POST', '/ingest-event', headers, body, signal), call);
 * if (failure) return failure;
 */
export function failureOutcome(result: HttpResult, d: CallDescription): DeliveryOutcome | undefined {
  // Refused, reset, timed out, or an answer that never completed: the service is not there; the queue pauses and probes.
  if (!result.ok) {
    // Our own abort (shutdown's deadline) says nothing about the service.
    const ours = result.error.startsWith('AbortError');
    return { kind: 'retryable', ...(!ours && { unreachable: true }), reason: `${d.backend}: ${d.call} failed: ${result.error}` };
  }
  const { status, headers, body } = result.response;
  const verdict = classifyStatus(status);
  if (verdict === 'success') return undefined;
  const detail = serverMessage(body, d.secrets);
  const what = `${d.backend}: ${status} on ${d.call}${detail ? ` (${detail})` : ''}`;
  if (verdict === 'retryable') {
    const retryAfterMillis = parseRetryAfter(headers['retry-after']);
    // A 429, or any Retry-After, asks this client as a whole to slow down: the queue pauses every batch.
    const throttled = status === 429 || retryAfterMillis !== undefined;
    // A gateway with nothing behind it, a service down for maintenance, or out of storage: the whole service, not this batch.
    const unreachable = status === 502 || status === 503 || status === 504 || status === 507;
    return {
      kind: 'retryable',
      reason: what,
      ...(retryAfterMillis !== undefined && { retryAfterMillis }),
      ...(throttled && { throttled }),
      ...(unreachable && { unreachable }),
    };
  }
  if (status === 401 || status === 403 || status === 404) {
    const hint = status === 404 ? d.notFoundHint : d.authHint;
    return configurationFailure(`${d.backend}: ${status} on ${d.route}`, `${what} — ${d.affected} not delivered. ${hint}`);
  }
  if (status === 413) {
    return { kind: 'rejected', tooLarge: true, reason: `${what} — the request body was too large for the service.` };
  }
  return { kind: 'rejected', reason: `${what} — ${d.affected} not delivered.` };
}

/** The error message a service put in its body (`{error}` / `{message}` / `{detail}`), shortened. */
function serverMessage(body: string, secrets: readonly string[]): string | undefined {
  if (!body) return undefined;
  let text = body;
  try {
    const parsed = JSON.parse(body) as Record<string, unknown>;
    const message = parsed?.error ?? parsed?.message ?? parsed?.detail;
    if (message !== undefined) text = typeof message === 'string' ? message : (validationErrors(message) ?? JSON.stringify(message));
  } catch {
    // not JSON: use the text as it is
  }
  // Short values would blank out ordinary words; keys and tokens are far longer.
  for (const secret of secrets) if (secret.length >= 6) text = text.split(secret).join('…');
  text = text.replace(/\s+/g, ' ').trim();
  return text.length > 200 ? `${text.slice(0, 200)}…` : text;
}

/**
 * FastAPI's 422 `detail` list (`[{loc: ['body', 'agent_id'], msg: 'Field required'}]`)
 * as `body.agent_id: Field required`; the echoed input is left out, so the
 * message is the same for every event that fails the same way.
 */
function validationErrors(detail: unknown): string | undefined {
  if (!Array.isArray(detail)) return undefined;
  const parts: string[] = [];
  for (const item of detail as Array<{ loc?: unknown; msg?: unknown } | null>) {
    if (typeof item?.msg !== 'string') return undefined;
    parts.push(Array.isArray(item.loc) ? `${item.loc.join('.')}: ${item.msg}` : item.msg);
  }
  return parts.join('; ');
}

/**
 * Parses a 2xx JSON body; undefined when it is not JSON.
 *
 * @example
 * (parseJsonBody(answer.body) as { id?: unknown } | undefined)?.id;
 */
export function parseJsonBody(body: string): unknown {
  try {
    return JSON.parse(body) as unknown;
  } catch {
    return undefined;
  }
}
