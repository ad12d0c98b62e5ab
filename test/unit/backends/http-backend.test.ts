/**
 * The shared HTTP scaffold, through the smallest backend it allows: a vendor
 * description, a wire mapping and a factory, as a fifth vendor folder would
 * hold them. Runs against a real loopback server.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { eventCount } from '../../../src/model/event-count.js';
import { HttpBackend } from '../../../src/backends/http-backend.js';
import { resolveHttpBackendConfig, type HttpBackendConfig, type HttpBackendOptions } from '../../../src/backends/http-backend-config.js';
import type { HttpVendor } from '../../../src/backends/http-vendor.js';
import type { AuditEvent } from '../../../src/model/audit-event.js';
import type { DeliveryOutcome } from '../../../src/model/delivery-outcome.js';
import { startRecordingServer, type RecordingServer } from '../../servers/recording-server.js';
import { captureProcessWarnings } from '../../support/process-warnings.js';
import { captureDiag, resetOtelGlobals } from '../../support/tracing.js';

const KEY = 'acme-key-0123456789';

const ACME: HttpVendor = {
  name: 'acme', factory: 'acme', title: 'Acme audit API', defaultBaseUrl: 'http://127.0.0.1:9',
  envNames: { apiKey: 'ACME_API_KEY', baseUrl: 'ACME_BASE_URL' },
  fromEnv: () => ({}),
  authHeaders: (apiKey) => ({ 'x-acme-key': apiKey }),
  maxResponseBytes: 1024,
};

class AcmeBackend extends HttpBackend {
  readonly maxBatchSize = 10;

  constructor(config: HttpBackendConfig) {
    super(ACME, config);
  }

  protected async deliver(events: readonly AuditEvent[], signal: AbortSignal): Promise<DeliveryOutcome> {
    const answer = await this.api.post({ path: '/events', affected: eventCount(events.length) }, { ids: events.map((e) => e.id) }, signal);
    return answer.ok ? { kind: 'delivered' } : answer.failure;
  }
}

const acme = (options: HttpBackendOptions): AcmeBackend => new AcmeBackend(resolveHttpBackendConfig(ACME, options));

const event = (n: number): AuditEvent => ({
  id: `t-s${n}-custom`, type: 'custom', traceId: 't', spanId: `s${n}`, timestamp: '2026-11-22T10:00:00.000Z', payload: { name: 'step' },
});

let server: RecordingServer | undefined;
let backend: AcmeBackend | undefined;
afterEach(async () => {
  await backend?.shutdown();
  await server?.close();
  backend = server = undefined;
  resetOtelGlobals();
});

async function serve(status: number, body: unknown = {}, headers?: Record<string, string>): Promise<RecordingServer> {
  server = await startRecordingServer(() => ({ status, body, ...(headers && { headers }) }));
  return server;
}

const send = (b: AcmeBackend, events = [event(1)]) => b.send(events, new AbortController().signal);

describe('HttpBackend', () => {
  it('posts each batch as JSON, with the key in the vendor’s header, under the base URL’s path', async () => {
    const { url, requests } = await serve(200);
    backend = acme({ apiKey: KEY, baseUrl: `${url}/audit/` });

    expect(await send(backend, [event(1), event(2)])).toEqual({ kind: 'delivered' });

    expect(requests).toHaveLength(1);
    expect(requests[0]).toMatchObject({ method: 'POST', path: '/audit/events', body: { ids: ['t-s1-custom', 't-s2-custom'] } });
    expect(requests[0]!.headers).toMatchObject({ 'x-acme-key': KEY, 'content-type': 'application/json' });
  });

  it('refuses options in code that cannot work, naming the factory’s option', () => {
    expect(() => acme({ baseUrl: 'ftp://127.0.0.1/audit' })).toThrow(/'acme\.baseUrl' must be an http\(s\) URL/);
    expect(() => acme({ requestTimeoutMillis: 0 })).toThrow(/acme\.requestTimeoutMillis/);
  });

  it('without a key, sends nothing: its configProblem says what to set, each batch is refused naming it', async () => {
    const { url, requests } = await serve(200);
    backend = acme({ baseUrl: url });

    const outcome = await send(backend);

    expect(backend.configProblem).toBe('acme: no API key. Set ACME_API_KEY or pass { apiKey }; until then its audit events are not delivered.');
    expect(outcome).toEqual({ kind: 'rejected', reason: 'acme: no API key — a configuration error, reported once with what to check' });
    expect(requests).toHaveLength(0);
  });

  it('says a 401 once in full, and gives the queue a rejection that only names it', async () => {
    const diagnostics = captureDiag();
    const warnings = captureProcessWarnings();
    await serve(401, { error: 'bad key' });
    backend = acme({ apiKey: KEY, baseUrl: server!.url });

    const outcomes = [await send(backend), await send(backend, [event(2), event(3)])];

    expect(diagnostics.errors).toEqual([]);
    expect(await warnings.said()).toEqual([
      expect.stringContaining('acme: 401 on POST /events (bad key) — 1 event not delivered. Check ACME_API_KEY (or the apiKey option).'),
    ]);
    for (const outcome of outcomes) {
      expect(outcome).toEqual({ kind: 'rejected', reason: 'acme: 401 on POST /events — a configuration error, reported once with what to check' });
    }
  });

  it('hints at the base URL on a 404, naming the call the vendor should serve', async () => {
    const warnings = captureProcessWarnings();
    backend = acme({ apiKey: KEY, baseUrl: (await serve(404, { error: 'no route' })).url });

    await send(backend);

    expect((await warnings.said())[0]).toContain(
      'acme: 404 on POST /events (no route) — 1 event not delivered. Check ACME_BASE_URL (or the baseUrl option): it must be the origin of the Acme audit API, which serves POST /events.',
    );
  });

  it('leaves other failures to the queue as they are: a 503 with Retry-After is retried after a pause of the whole backend', async () => {
    backend = acme({ apiKey: KEY, baseUrl: (await serve(503, { error: 'busy' }, { 'retry-after': '0' })).url });

    expect(await send(backend)).toEqual({ kind: 'retryable', reason: 'acme: 503 on POST /events (busy)', retryAfterMillis: 0, throttled: true, unreachable: true });
  });
});
