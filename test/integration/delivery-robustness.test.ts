import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { AlwaysOffSampler } from '@opentelemetry/sdk-trace-base';
import { NodeTracerProvider } from '@opentelemetry/sdk-trace-node';
import { describe, expect } from 'vitest';
import { recordEvent, withSession, withToolCall, type SecureagenticsOptions } from '../../src/index.js';
import { it as base, type InstalledAudit } from '../support/audit-test.js';
import { batchRequests as batchRequestsOf } from '../support/tracing.js';
import { activityRequests } from '../support/audit-loss.js';
import { childEnv } from '../support/child-env.js';

/** `audit`: the audit processor with one Secureagentics backend on the test server, installed. `batchRequests`: that server's batch requests. */
const it = base
  .extend('audit', ({ secureagenticsServer: server, install }) => (options: SecureagenticsOptions = {}): InstalledAudit => install.audit(server, options))
  .extend('batchRequests', ({ secureagenticsServer: server }) => () => batchRequestsOf(server) as typeof server.requests);

describe('delivery robustness', () => {
  it('sends each agent’s events in its own request, and a partial answer for one agent counts only its events', async ({ secureagenticsServer: server, audit, batchRequests }) => {
    server.script((req) => {
      const events = (req.body as { events?: Array<{ payload: { agent_name?: string } }> } | undefined)?.events;
      // The service processes all but one of alpha's events.
      if (events?.[0]?.payload.agent_name === 'alpha') return { status: 200, body: { results: [], total: events.length - 1 } };
      return undefined;
    });
    const { processor } = audit();
    withSession({ agentName: 'alpha' }, () => withToolCall('a', {}, () => 1));
    withSession({ agentName: 'beta' }, () => withToolCall('b', {}, () => 2));
    await processor.forceFlush();
    const byAgent = activityRequests(batchRequests() as Array<{ rawBody: string; body: unknown }>).map((r) => (r.body as { events: Array<{ payload: { agent_name: string } }> }).events.map((e) => e.payload.agent_name));
    // Both agents register concurrently, so their requests may arrive in either order.
    expect(byAgent.sort()).toEqual([['alpha', 'alpha', 'alpha'], ['beta', 'beta', 'beta']]);
    expect(server.allEvents().filter((e) => e.payload['name'] !== 'audit.loss').map((e) => e.payload.agent_name)).toEqual(['beta', 'beta', 'beta']);
    expect(processor.stats().backends.secureagentics).toMatchObject({ delivered: 5 + 1, failed: 1 }); // + the audit.loss record
  });

  it('splits a batch the service refuses as too large, so only the oversized event is lost', async ({ secureagenticsServer: server, audit }) => {
    server.script((req) => (req.rawBody.length > 20_000 ? { status: 413, body: { error: 'payload too large' } } : undefined));
    const { processor } = audit({ agentId: server.addAgent('big') });
    for (let i = 0; i < 9; i++) withToolCall(`small_${i}`, { i }, () => i);
    withToolCall('huge', { blob: 'x'.repeat(15_000) }, () => 'y'.repeat(15_000));
    await processor.forceFlush();
    const events = server.allEvents();
    expect(events.filter((e) => e.payload['name'] !== 'audit.loss').map((e) => e.payload.tool_name)).toEqual(Array.from({ length: 9 }, (_, i) => `small_${i}`));
    // The trail records the one it could not take.
    expect(events.filter((e) => e.payload['name'] === 'audit.loss').map((e) => e.payload['lost'])).toEqual([1]);
    expect(processor.stats().backends.secureagentics).toMatchObject({ delivered: 9 + 1, failed: 1 });
  });

  it('says in the trail when the SDK’s span limits dropped recorded events', async ({ secureagenticsServer: server, audit }) => {
    const { processor } = audit({ agentId: server.addAgent('chatty') });
    withSession({ agentName: 'chatty' }, () => {
      for (let i = 0; i < 200; i++) recordEvent('step', { i });
    });
    await processor.forceFlush();
    const events = server.allEvents();
    expect(events.filter((e) => e.type === 'custom' && e.payload.name === 'step')).toHaveLength(128);
    const limit = events.find((e) => e.payload.error_type === 'otel-agent-audit.span_limits')!;
    expect(limit.type).toBe('error');
    expect(limit.payload).toMatchObject({ dropped_events: 72 });
    expect(limit.payload.message).toContain('OTEL_SPAN_EVENT_COUNT_LIMIT');
  });

  it('warns once when sessions are not recorded (sampled out), since nothing of them can be audited', async ({ diagnostics }) => {
    const provider = new NodeTracerProvider({ sampler: new AlwaysOffSampler() });
    provider.register();
    withSession({ agentName: 'a' }, () => 1);
    withSession({ agentName: 'b' }, () => 2);
    // Each test file runs in its own process, so this is the process's first unrecorded session.
    expect(diagnostics.warnings.filter((w) => w.includes('not being recorded'))).toHaveLength(1);
    await provider.shutdown();
  });

  it('re-registers a forgotten agent once while many batches are in flight, and loses nothing', async ({ secureagenticsServer: server, audit, batchRequests }) => {
    const { processor } = audit({ agentName: 'restarted' });
    withToolCall('warm_up', {}, () => 0);
    await processor.forceFlush();
    const firstPath = batchRequests()[0]!.path;
    // The service forgets the first registration (a restarted in-memory receiver).
    server.script((req) => (req.path === firstPath ? { status: 404, body: { error: 'agent not found' } } : undefined));
    for (let i = 0; i < 800; i++) withToolCall(`t${i}`, { i }, () => i);
    await processor.forceFlush();
    expect(server.requests.filter((r) => r.path === '/v1/agents')).toHaveLength(2);
    expect(processor.stats().backends.secureagentics).toMatchObject({ delivered: 801, failed: 0, dropped: 0 });
  });

  it('lets the app’s own beforeExit hook await shutdown() and deliver everything', async ({ secureagenticsServer: server }) => {
    const script = `
      import { setupAudit, secureagentics, withSession, withToolCall } from 'otel-agent-audit';
      const audit = setupAudit({ otlp: false, scheduledDelayMillis: 60000, backends: [secureagentics({ baseUrl: '${server.url}', apiKey: '${server.apiKey}' })] });
      process.on('beforeExit', async () => { await audit.shutdown(); process.exit(0); });
      await withSession({ agentName: 'hooked' }, () => withToolCall('t', {}, () => 1));`;
    await promisify(execFile)(process.execPath, ['--input-type=module', '-e', script], { cwd: new URL('../../', import.meta.url), env: childEnv() });
    expect(server.allEvents().map((e) => e.type)).toEqual(['custom', 'tool_call', 'custom']);
  });

  it('delivers a script’s trail when it ends without calling shutdown()', async ({ secureagenticsServer: server }) => {
    const script = `
      import { setupAudit, secureagentics, withSession, withToolCall } from 'otel-agent-audit';
      setupAudit({ otlp: false, scheduledDelayMillis: 60000, backends: [secureagentics({ baseUrl: '${server.url}', apiKey: '${server.apiKey}' })] });
      await withSession({ agentName: 'script' }, () => withToolCall('t', {}, () => 1));`;
    await promisify(execFile)(process.execPath, ['--input-type=module', '-e', script], { cwd: new URL('../../', import.meta.url), env: childEnv() });
    expect(server.allEvents().map((e) => e.type)).toEqual(['custom', 'tool_call', 'custom']);
  });
});
