import { describe, expect } from 'vitest';
import {
  agentSudo,
  recordError,
  recordEvent,
  recordPermissionCheck,
  secureagentics,
  withLLMCall,
  withSession,
  withToolCall,
  type AgentSudoOptions,
} from '../../src/index.js';
import type { AuditProcessorOptions } from '../../src/pipeline/audit-span-processor.js';
import { rateLimited } from '../servers/agentsudo-server.js';
import { it as base, type InstalledAudit } from '../support/audit-test.js';
import { activityRequests, isLossRecordRequest } from '../support/audit-loss.js';

type Body = { agent_name: string; action: string; allowed: boolean; scope?: string; function_name?: string; metadata: Record<string, unknown> };

/** `audit`: the audit processor with one AgentSudo backend on the test server, installed. `bodies`: what that server was posted. */
const it = base
  .extend('audit', ({ agentSudoServer: server, install }) => (options: AgentSudoOptions = {}, delivery: AuditProcessorOptions = {}): InstalledAudit =>
    install.backends([agentSudo({ apiKey: server.apiKey, baseUrl: server.url, ...options })], delivery))
  .extend('bodies', ({ agentSudoServer: server }) => (): Body[] => server.requests.map((r) => r.body as Body));

describe('AgentSudo export of a recorded session', () => {
  it('posts each event to /ingest-event with X-API-Key; permission checks become permission_check', async ({ agentSudoServer: server, audit, bodies }) => {
    const { processor, tracing } = audit({}, { maxConcurrentRequests: 1 });
    let sessionId = '';
    await withSession({ agentName: 'SupportBot' }, async (session) => {
      sessionId = session.sessionId;
      await withLLMCall({ model: 'gpt-4o', prompt: 'Where is my order?' }, async () => 'It shipped.');
      recordPermissionCheck({ scope: 'read:orders', allowed: true, functionName: 'get_order', userId: 'u-1' });
      await withToolCall('get_order', { orderId: 42 }, async () => ({ status: 'shipped' }));
      recordPermissionCheck({ scope: 'write:refunds', allowed: false, functionName: 'refund_order' });
      await withToolCall('refund_order', { orderId: 42 }, async () => {
        throw new Error('forbidden');
      }).catch((error: unknown) => recordError(error));
      recordEvent('handoff', { to: 'billing' });
    });
    await processor.forceFlush();

    expect(server.requests.every((r) => r.method === 'POST' && r.path === '/ingest-event' && r.status === 201)).toBe(true);
    expect(server.requests.every((r) => r.headers['x-api-key'] === server.apiKey && r.headers.authorization === undefined)).toBe(true);
    expect(bodies().map((b) => [b.action, b.allowed, b.scope, b.function_name])).toEqual([
      ['custom', true, undefined, undefined], // session.start
      ['prompt', true, undefined, undefined],
      ['completion', true, undefined, undefined],
      ['permission_check', true, 'read:orders', 'get_order'],
      ['tool_call', true, undefined, undefined], // get_order
      ['permission_check', false, 'write:refunds', 'refund_order'],
      ['tool_call', true, undefined, undefined], // refund_order
      ['error', true, undefined, undefined], // its exception
      ['error', true, undefined, undefined], // recordError
      ['custom', true, undefined, undefined], // handoff
      ['custom', true, undefined, undefined], // session.end
    ]);
    expect(new Set(bodies().map((b) => b.agent_name))).toEqual(new Set(['SupportBot']));

    const root = tracing!.memory.getFinishedSpans().find((s) => s.name === 'invoke_agent SupportBot')!;
    const { traceId, spanId } = root.spanContext();
    const granted = bodies()[3]!;
    expect(granted).toEqual({
      agent_name: 'SupportBot',
      action: 'permission_check',
      scope: 'read:orders',
      allowed: true,
      function_name: 'get_order',
      metadata: {
        userId: 'u-1',
        event_id: `${traceId}-${spanId}-custom.0`,
        event_type: 'custom',
        trace_id: traceId,
        span_id: spanId,
        session_id: sessionId,
        agent_name: 'SupportBot',
        timestamp: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/),
      },
    });
    const toolCall = bodies()[4]!;
    expect(toolCall.metadata).toMatchObject({
      tool_name: 'get_order', arguments: { orderId: 42 }, result: { status: 'shipped' }, status: 'ok',
      event_type: 'tool_call', trace_id: traceId, parent_span_id: spanId, session_id: sessionId,
    });
    expect(bodies()[1]!.metadata).toMatchObject({ model: 'gpt-4o', prompt: 'user: Where is my order?' });
    expect(server.events.map((e) => e.action)).toEqual(bodies().map((b) => b.action));
    expect(processor.stats().backends.agentsudo).toMatchObject({ delivered: 11, failed: 0, retries: 0 });
  });

  it('sends events outside a session under the agentName option, or "agent"', async ({ agentSudoServer: server, audit, bodies }) => {
    const { processor, tracing } = audit({ agentName: 'Janitor' });
    recordPermissionCheck({ scope: 'admin', allowed: false });
    await processor.forceFlush();
    expect(bodies()).toEqual([expect.objectContaining({ agent_name: 'Janitor', action: 'permission_check', scope: 'admin', allowed: false })]);
    expect(bodies()[0]).not.toHaveProperty('function_name');
    await tracing!.close();

    server.requests.length = 0;
    const { processor: second } = audit();
    recordEvent('tick', {});
    await second.forceFlush();
    expect(bodies().map((b) => b.agent_name)).toEqual(['agent']);
  });
});

describe('AgentSudo failures', () => {
  it('throws at setup for an invalid option, naming it', () => {
    expect(() => agentSudo({ baseUrl: 'ftp://api.agentsudo.dev' })).toThrow(/'agentSudo.baseUrl' must be an http\(s\) URL/);
    expect(() => agentSudo({ agentName: ' ' })).toThrow(/'agentSudo.agentName' must be a non-empty string/);
    expect(() => agentSudo({ requestTimeoutMillis: 0 })).toThrow(/agentSudo.requestTimeoutMillis/);
  });

  it('does not retry a 400 INVALID_PAYLOAD and reports the server message', async ({ agentSudoServer: server, audit, diagnostics }) => {
    server.script((req) => ((req.body as Body).action === 'error' ? { status: 400, body: { error: 'Missing required fields: scope' } } : undefined));
    const { processor } = audit();
    recordError(new Error('x'));
    recordEvent('ok', {});
    await processor.forceFlush();
    expect(activityRequests(server.requests).map((r) => r.status).sort()).toEqual([201, 400]);
    expect(server.requests.filter(isLossRecordRequest).map((r) => r.status)).toEqual([201]); // the trail records the loss
    expect(processor.stats().backends.agentsudo).toMatchObject({ delivered: 2, failed: 1, retries: 0 });
    expect(diagnostics.warnings.join('\n')).toContain('agentsudo: 400 on POST /ingest-event (Missing required fields: scope)');
  });

  it('does not retry a 401 and reports it once, naming AGENTSUDO_API_KEY and not the key', async ({ agentSudoServer: server, audit, diagnostics, deliveryWarnings }) => {
    const { processor } = audit({ apiKey: 'as_wrong_key' });
    recordEvent('a', {});
    recordEvent('b', {});
    await processor.forceFlush();
    expect(activityRequests(server.requests).map((r) => r.status)).toEqual([401, 401]);
    const authErrors = (await deliveryWarnings.said()).filter((m) => m.includes('401'));
    expect(authErrors).toHaveLength(1);
    expect(authErrors[0]).toContain('agentsudo: 401 on POST /ingest-event (Invalid API key)');
    expect(authErrors[0]).toContain('AGENTSUDO_API_KEY');
    expect([...(await deliveryWarnings.said()), ...diagnostics.warnings].join('\n')).not.toContain('as_wrong_key');
  });

  it('waits out a 429 RATE_LIMITED with Retry-After, then delivers', async ({ agentSudoServer: server, audit }) => {
    server.script((_req, n) => (n === 0 ? rateLimited(0) : undefined));
    const { processor } = audit();
    recordEvent('a', {});
    await processor.forceFlush();
    expect(server.requests.map((r) => r.status)).toEqual([429, 201]);
    expect(processor.stats().backends.agentsudo).toMatchObject({ delivered: 1, retries: 1 });
  });
});

describe('AgentSudo spent daily quota (429 for a long time)', () => {
  it('keeps memory bounded, counts and reports the losses, sends one probe per pause, and delays no other backend', async ({ agentSudoServer: server, secureagenticsServer: healthy, diagnostics, install }) => {
    server.script(() => rateLimited(86_400)); // "come back tomorrow"; capped to maxRetryAfterMillis
    const pauseMillis = 40;
    const installed = install.backends(
      [agentSudo({ apiKey: server.apiKey, baseUrl: server.url }), secureagentics({ apiKey: healthy.apiKey, baseUrl: healthy.url })],
      // Memory only (no spool), with a short age limit: what this test is about is the bound on memory and the counted losses.
      { maxQueueSize: 20, maxConcurrentRequests: 4, maxRetryAfterMillis: pauseMillis, maxRetryElapsedMillis: 3 * pauseMillis, maxEventAgeMillis: 3 * pauseMillis, shutdownTimeoutMillis: 300, spoolDir: false },
    );
    const { processor } = installed;

    // Six bursts of ten tool calls; the healthy backend takes each burst at once, while AgentSudo's queue stays full.
    await withSession({ agentName: 'SupportBot' }, async () => {
      for (let burst = 0; burst < 6; burst++) {
        for (let i = 0; i < 10; i++) withToolCall(`tool_${burst}_${i}`, { i }, () => i);
        await healthy.waitForEvents(1 + 10 * (burst + 1));
        expect(processor.stats().backends.agentsudo!.queued).toBeLessThanOrEqual(20);
      }
    });
    await healthy.waitForEvents(62); // session.start + 60 tool calls + session.end
    await processor.shutdown();

    const sudo = processor.stats().backends.agentsudo!;
    // The healthy backend also holds the audit.loss records of what AgentSudo gave up.
    const activity = healthy.allEvents().filter((e) => e.payload['name'] !== 'audit.loss');
    expect(activity).toHaveLength(62);
    const lossRecords = healthy.allEvents().length - activity.length;
    expect(lossRecords).toBeGreaterThan(0);
    expect(processor.stats().backends.secureagentics).toMatchObject({ delivered: 62 + lossRecords, failed: 0, dropped: 0 });
    expect(sudo).toMatchObject({ delivered: 0, queued: 0, inFlight: 0 });
    // The 62 events, and the audit.loss records that AgentSudo's own trail could not take either.
    expect(sudo.failed + sudo.dropped).toBe(62 + lossRecords);
    // Which of the two each event got depends on the machine's speed: pushed out past the queue bound
    // (dropped) or aged out while waiting (failed); the sum above is exact, and the report below says the bound was hit.
    const report = diagnostics.warnings.filter((w) => w.includes(' agentsudo: ')).join('\n');
    expect(report).toContain('queue full (20 waiting)');
    expect(report).toContain('429 on POST /ingest-event (Rate limit exceeded: daily event quota reached)');

    // At most maxConcurrentRequests went out before the first 429 came back; after that, one probe
    // at a time, each at least a pause after the one before, instead of every batch retrying on its own.
    const requests = server.requests;
    const probes = requests.slice(4);
    expect(probes.length).toBeGreaterThan(1);
    for (let i = 1; i < probes.length; i++) expect(probes[i]!.receivedAt - probes[i - 1]!.receivedAt).toBeGreaterThanOrEqual(pauseMillis - 2);
    expect(requests.length).toBeLessThan(62 / 2);
  });
});
