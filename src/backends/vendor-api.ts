/**
 * One backend's connection to its vendor's API: a keep-alive pool, the API
 * key in the vendor's header, JSON bodies, and every answer judged the same
 * way (response-outcome.ts). A backend that is not configured (no key, an
 * environment URL that is no http(s) URL) gets no pool: each call answers
 * with that configuration failure, which the pipeline said at setup.
 */
import { HttpClient } from '../deliver/http-client.js';
import type { DeliveryOutcome } from '../model/delivery-outcome.js';
import { configurationFailure, type ConfigurationFailure } from './configuration-problems.js';
import type { HttpBackendConfig } from './http-backend-config.js';
import { isHttpUrl } from './http-url.js';
import type { HttpVendor } from './http-vendor.js';
import { failureOutcome } from './response-outcome.js';

/** One `POST` of a backend, as its messages name it. */
export interface ApiCall {
  /** e.g. `/v1/agents/agt_1/events/batch` */
  readonly path: string;
  /** The path without its ids, e.g. `/v1/agents/{id}/events/batch`: one kind of failure per route. Default `path`. */
  readonly route?: string;
  /** What the call is for, named after it in messages, e.g. `registering agent 'bot'`. */
  readonly purpose?: string;
  /** What a failure loses, e.g. `3 events` or `the verdict on tool 'x'`. */
  readonly affected: string;
  /** What to check on a 404. Default: that the base URL is the vendor's origin, which serves this call. */
  readonly notFoundHint?: string;
  /** A body that is small whatever the batch (a registration): refused as too large, it is no batch to split. */
  readonly small?: boolean;
}

/** A call's answer: the 2xx body, or the outcome of its failure and the status (0 when none came). */
export type ApiAnswer =
  | { readonly ok: true; readonly body: string }
  | { readonly ok: false; readonly failure: DeliveryOutcome; readonly status: number };

/**
 * A request body whose JSON text the backend writes itself (from texts it
 * already holds) instead of `JSON.stringify` of a value; `write` runs where
 * `post` would serialise, and what it throws is judged the same way.
 *
 * @example
 * api.post(call, new JsonBody(() => `{"events":[${texts.join(',')}]}`), signal);
 */
export class JsonBody {
  constructor(readonly write: () => string) {}
}

/**
 * The API of one configured backend.
 *
 * @example
 * const api = new VendorApi(AGENTSUDO, config);
 * const answer = await api.post({ path: '/ingest-event', affected: '1 event' }, body, signal);
 * return answer.ok ? { kind: 'delivered' } : answer.failure;
 */
export class VendorApi {
  /** Why this backend cannot send at all; undefined when it can. */
  readonly unconfigured: ConfigurationFailure | undefined;
  /** What to check when the key is refused. */
  readonly authHint: string;
  /** What to check when the service answers like something else than the vendor's API. */
  readonly urlHint: string;
  private readonly client: HttpClient | undefined;

  constructor(
    private readonly vendor: HttpVendor,
    private readonly config: HttpBackendConfig,
  ) {
    const { apiKey, baseUrl } = vendor.envNames;
    this.authHint = `Check ${apiKey} (or the apiKey option).`;
    this.urlHint = `Check ${baseUrl} (or the baseUrl option) points at the ${vendor.title}.`;
    this.unconfigured = unconfigured(vendor, config);
    if (this.unconfigured) return;
    this.client = new HttpClient(config.baseUrl, {
      maxConnections: config.maxConnections,
      timeoutMillis: config.requestTimeoutMillis,
      maxResponseBytes: vendor.maxResponseBytes,
    });
  }

  /**
   * POSTs `payload` as JSON (a {@link JsonBody} as the text it writes);
   * never throws. `headers` replace the API key header, for calls
   * authorised otherwise (a session token).
   */
  async post(call: ApiCall, payload: unknown, signal: AbortSignal, headers?: Record<string, string>): Promise<ApiAnswer> {
    if (!this.client) return { ok: false, status: 0, failure: this.unconfigured! };
    let body: string;
    try {
      body = payload instanceof JsonBody ? payload.write() : JSON.stringify(payload);
    } catch {
      // Past V8's string length limit: too large to send, like a 413.
      const reason = `${this.vendor.name}: ${call.affected} too large to serialise into one request`;
      return { ok: false, status: 0, failure: { kind: 'rejected', reason, ...(!call.small && { tooLarge: true }) } };
    }
    const sent = headers ?? this.vendor.authHeaders(this.config.apiKey ?? '');
    const result = await this.client.request('POST', call.path, sent, body, signal);
    const failure = failureOutcome(result, {
      backend: this.vendor.name,
      call: `POST ${call.path}${call.purpose ? ` (${call.purpose})` : ''}`,
      route: `POST ${call.route ?? call.path}`,
      affected: call.affected,
      authHint: this.authHint,
      notFoundHint: call.notFoundHint ?? this.notFoundHint(call),
      secrets: [this.config.apiKey ?? '', ...Object.values(sent).map((value) => value.replace(/^Bearer /i, ''))],
    });
    if (!failure) return { ok: true, body: result.ok ? result.response.body : '' };
    const status = result.ok ? result.response.status : 0;
    return { ok: false, status, failure: call.small && failure.kind === 'rejected' ? { ...failure, tooLarge: false } : failure };
  }

  /** Lets the pooled connections go. */
  close(): Promise<void> {
    return this.client?.close() ?? Promise.resolve();
  }

  private notFoundHint(call: ApiCall): string {
    const { envNames, title } = this.vendor;
    return `Check ${envNames.baseUrl} (or the baseUrl option): it must be the origin of the ${title}, which serves POST ${call.route ?? call.path}.`;
  }
}

/** No key, or an environment URL that is no http(s) URL (one in code was refused by the factory). */
function unconfigured(vendor: HttpVendor, config: HttpBackendConfig): ConfigurationFailure | undefined {
  const { name, envNames } = vendor;
  if (!config.apiKey) {
    return configurationFailure(
      `${name}: no API key`,
      `${name}: no API key. Set ${envNames.apiKey} or pass { apiKey }; until then its audit events are not delivered.`,
    );
  }
  if (isHttpUrl(config.baseUrl)) return undefined;
  // A mistyped URL may still hold a user and password: those stay out of the message.
  const shown = JSON.stringify(config.baseUrl.replace(/\/\/[^/@\s]*@/, '//…@'));
  return configurationFailure(
    `${name}: ${envNames.baseUrl} is not an http(s) URL`,
    `${name}: ${envNames.baseUrl}=${shown} is not an http(s) URL; its audit events are not delivered.`,
  );
}
