import { describe, expect } from 'vitest';
import { recordError, recordEvent, withLLMCall, withSession, withToolCall, type SecureagenticsOptions } from '../../src/index.js';
import type { AuditProcessorOptions } from '../../src/pipeline/audit-span-processor.js';
import { it as base, type InstalledAudit } from '../support/audit-test.js';
import { batchRequests as batchRequestsOf } from '../support/tracing.js';
import { activityRequests } from '../support/audit-loss.js';

/** `audit`: the audit processor with one Secureagentics backend on the test server, installed. `batchRequests`: that server's batch requests. */
const it = base
  .extend('audit', ({ secureagenticsServer: server, install }) => (options: SecureagenticsOptions = {}, delivery: AuditProcessorOptions = {}): InstalledAudit =>
    install.audit(server, options, delivery))
  .extend('batchRequests', ({ secureagenticsServer: server }) => () => batchRequestsOf(server) as typeof server.requests);

const chatCompletion = {
  id: 'chatcmpl-1',
  object: 'chat.completion',
  model: 'gpt-4o-2024-08-06',
  choices: [{ index: 0, message: { role: 'assistant', content: 'Your order shipped.' }, finish_reason: 'stop' }],
  usage: { prompt_tokens: 12, completion_tokens: 5, total_tokens: 17 },
};

describe('Secureagentics export of a recorded session', () => {
  it('delivers the exact events of a session, in order, with trace ids, payload fields and timestamps', async ({ secureagenticsServer: server, audit }) => {
    const { processor, tracing } = audit();
    let sessionId = '';
    const answer = await withSession({ agentName: 'support-bot' }, async (session) => {
      sessionId = session.sessionId;
      const reply = await withLLMCall(
        { model: 'gpt-4o', provider: 'openai', messages: [{ role: 'user', content: 'Where is my order?' }], parameters: { temperature: 0.2 } },
        async () => chatCompletion,
      );
      await withToolCall('lookup_order', { orderId: 42 }, async () => ({ status: 'shipped' }));
      await withToolCall('send_email', { to: 'x' }, async () => {
        throw new Error('smtp down');
      }).catch((error: unknown) => recordError(error, { 'recovery': 'skipped email' }));
      recordEvent('handoff', { to: 'billing' });
      return reply.choices[0]?.message.content;
    });
    expect(answer).toBe('Your order shipped.');

    await processor.forceFlush();
    const events = server.allEvents();
    expect(events.map((e) => [e.type, e.payload.name ?? e.payload.tool_name ?? e.payload.model])).toEqual([
      ['custom', 'session.start'],
      ['prompt', 'gpt-4o'],
      ['completion', 'gpt-4o-2024-08-06'],
      ['tool_call', 'lookup_order'],
      ['tool_call', 'send_email'],
      ['error', undefined], // the failing tool's own exception
      ['error', undefined], // recordError on the session span
      ['custom', 'handoff'],
      ['custom', 'session.end'],
    ]);
    const spans = tracing!.memory.getFinishedSpans();
    const root = spans.find((s) => s.name === 'invoke_agent support-bot')!;
    const llm = spans.find((s) => s.name === 'chat gpt-4o')!;
    const traceId = root.spanContext().traceId;
    for (const event of events) {
      expect(event.trace_id).toBe(traceId);
      expect(event.payload.session_id).toBe(sessionId);
      expect(event.payload.agent_name).toBe('support-bot');
      expect(event.payload.event_id).toMatch(new RegExp(`^${traceId}-[0-9a-f]{16}-`));
    }
    const [, prompt, completion, lookup, sendEmail, toolError, handled, handoff, end] = events;
    expect(prompt!.payload).toMatchObject({ model: 'gpt-4o', provider: 'openai', prompt: 'user: Where is my order?', token_count: 12, parameters: { temperature: 0.2 } });
    expect(prompt!.timestamp).toBe(new Date(llm.startTime[0] * 1000 + Math.floor(llm.startTime[1] / 1e6)).toISOString());
    expect(completion!.payload).toMatchObject({ response: 'Your order shipped.', token_count: 5, finish_reasons: ['stop'], usage: { input_tokens: 12, output_tokens: 5 } });
    expect(completion!.timestamp).toBe(new Date(llm.endTime[0] * 1000 + Math.floor(llm.endTime[1] / 1e6)).toISOString());
    expect(lookup!.payload).toMatchObject({ arguments: { orderId: 42 }, result: { status: 'shipped' }, status: 'ok' });
    expect(sendEmail!.payload).toMatchObject({ status: 'error' });
    expect(toolError!.payload).toMatchObject({ error_type: 'Error', message: 'smtp down', handled: false, span_name: 'execute_tool send_email' });
    expect(handled!.payload).toMatchObject({ message: 'smtp down', handled: true });
    expect(handoff!.payload).toMatchObject({ data: { to: 'billing' } });
    expect(end!.payload).toMatchObject({ outcome: 'success' });
    expect(processor.stats().backends.secureagentics).toMatchObject({ delivered: 9, failed: 0, dropped: 0 });
  });

  it('sends session.start while the session is still running, and only once', async ({ secureagenticsServer: server, audit }) => {
    const { processor } = audit();
    await withSession({ agentName: 'long-runner' }, async () => {
      await processor.forceFlush();
      expect(server.allEvents().map((e) => e.payload.name)).toEqual(['session.start']);
    });
    await processor.forceFlush();
    expect(server.allEvents().map((e) => e.payload.name)).toEqual(['session.start', 'session.end']);
  });

  it('registers an agent known only by name once, and sends all its events under that id', async ({ secureagenticsServer: server, audit, batchRequests }) => {
    const { processor } = audit({ agentName: 'planner' });
    await withSession({}, async () => {
      await withToolCall('a', {}, () => 1);
    });
    await processor.forceFlush();
    await withSession({}, () => withToolCall('b', {}, () => 2));
    await processor.forceFlush();
    const registrations = server.requests.filter((r) => r.path === '/v1/agents');
    expect(registrations).toHaveLength(1);
    expect(registrations[0]!.body).toEqual({ name: 'planner', framework: 'custom', description: 'Registered by otel-agent-audit' });
    const agentPath = batchRequests()[0]!.path;
    expect(batchRequests().every((r) => r.path === agentPath)).toBe(true);
    expect(server.allEvents()).toHaveLength(6);
  });
});

describe('Secureagentics batching and retries', () => {
  it('sends 250 events as 3 requests of at most 100', async ({ secureagenticsServer: server, audit, batchRequests }) => {
    const agentId = server.addAgent('bulk');
    const { processor } = audit({ agentId }, { maxSpanBatchSize: 1000 });
    for (let i = 0; i < 250; i++) withToolCall(`tool_${i}`, { i }, () => i);
    await processor.forceFlush();
    expect(batchRequests().map((r) => (r.body as { events: unknown[] }).events.length)).toEqual([100, 100, 50]);
    expect(server.eventsFor(agentId)).toHaveLength(250);
  });

  it('waits out a 429 with Retry-After, then delivers', async ({ secureagenticsServer: server, audit, batchRequests }) => {
    const agentId = server.addAgent('limited');
    server.script((req, n) => (req.path.endsWith('/batch') && n === 0 ? { status: 429, headers: { 'retry-after': '1' }, body: { error: 'rate limited' } } : undefined));
    const { processor } = audit({ agentId });
    withToolCall('t', {}, () => 1);
    await processor.forceFlush();
    const [first, second] = batchRequests();
    expect([first!.status, second!.status]).toEqual([429, 200]);
    expect(second!.receivedAt - first!.receivedAt).toBeGreaterThanOrEqual(950);
    expect(server.eventsFor(agentId)).toHaveLength(1);
    expect(processor.stats().backends.secureagentics).toMatchObject({ delivered: 1, retries: 1, failed: 0 });
  });

  it('retries 500 and 503, then delivers', async ({ secureagenticsServer: server, audit, batchRequests }) => {
    const agentId = server.addAgent('flaky');
    server.script((req, n) => {
      if (!req.path.endsWith('/batch')) return undefined;
      if (n === 0) return { status: 500, body: 'oops' };
      if (n === 1) return { status: 503, body: { error: 'maintenance' } };
      return undefined;
    });
    const { processor } = audit({ agentId });
    withToolCall('t', {}, () => 1);
    await processor.forceFlush();
    expect(batchRequests().map((r) => r.status)).toEqual([500, 503, 200]);
    expect(processor.stats().backends.secureagentics).toMatchObject({ delivered: 1, retries: 2, failed: 0 });
  });

  it('does not retry a 401 and reports it once, saying what to check', async ({ secureagenticsServer: server, audit, batchRequests, diagnostics, deliveryWarnings }) => {
    const { processor } = audit({ apiKey: 'wrong-key', agentId: server.addAgent('a') });
    withToolCall('t1', {}, () => 1);
    await processor.forceFlush();
    withToolCall('t2', {}, () => 2);
    await processor.forceFlush();
    expect(activityRequests(batchRequests()).map((r) => r.status)).toEqual([401, 401]);
    const authErrors = (await deliveryWarnings.said()).filter((m) => m.includes('401'));
    expect(authErrors).toHaveLength(1);
    expect(authErrors[0]).toContain('SECUREAGENTICS_API_KEY');
    expect(authErrors[0]).not.toContain('wrong-key');
    // Each loss is recorded as an audit.loss event, which fails too (and is not reported again).
    expect(processor.stats().backends.secureagentics!.retries).toBe(0);
    expect(processor.stats().backends.secureagentics!.delivered).toBe(0);
  });

  it('keeps the agent working while the backend is down; events wait in the spool, with no attempt cap, and it says so once', async ({ secureagenticsServer: server, audit, diagnostics, deliveryWarnings }) => {
    const deadUrl = server.url;
    await server.close();
    const { processor } = audit({ baseUrl: deadUrl, agentId: 'agt_1' }, { maxAttempts: 2, shutdownTimeoutMillis: 300 });
    const results: number[] = [];
    await withSession({ agentName: 'offline' }, async () => {
      for (let i = 0; i < 5; i++) results.push(await withLLMCall({ model: 'm' }, async () => i));
    });
    expect(results).toEqual([0, 1, 2, 3, 4]);
    await processor.forceFlush();
    // Refused connections pause the backend: nothing is given up after maxAttempts.
    expect(processor.stats().backends.secureagentics).toMatchObject({ delivered: 0, failed: 0, dropped: 0 });
    const unreachable = (await deliveryWarnings.said()).filter((w) => w.includes('cannot reach the service'));
    expect(unreachable).toHaveLength(1);
    expect(unreachable[0]).toContain('events wait in the spool');
    await processor.shutdown();
    // Left for the next process that owns the spool, not lost.
    expect(processor.stats().backends.secureagentics).toMatchObject({ delivered: 0, failed: 0, dropped: 0, deferred: 12 });
    expect(diagnostics.warnings.join('\n')).toContain('12 audit events not delivered by the shutdown deadline stay in the spool');
  });

  it('delivers what is queued on shutdown', async ({ secureagenticsServer: server, audit }) => {
    const agentId = server.addAgent('closing');
    const { processor } = audit({ agentId }, { scheduledDelayMillis: 60_000 });
    await withSession({ agentName: 'closing' }, () => withToolCall('t', {}, () => 'done'));
    expect(server.allEvents()).toHaveLength(0);
    await processor.shutdown();
    expect(server.eventsFor(agentId).map((e) => e.type)).toEqual(['custom', 'tool_call', 'custom']);
  });
});
