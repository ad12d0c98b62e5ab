import { describe, expect } from 'vitest';
import {
  agenticAudit,
  recordError,
  recordEvent,
  recordPermissionCheck,
  withLLMCall,
  withSession,
  withToolCall,
  type AgenticAuditOptions,
  type AgenticAuditResult,
  type AuditEvent,
} from '../../src/index.js';
import type { AuditProcessorOptions } from '../../src/pipeline/audit-span-processor.js';
import { it as base, type InstalledAudit } from '../support/audit-test.js';
import { TEST_RESOURCE } from '../support/install-backends.js';
import { activityRequests, isLossRecordRequest } from '../support/audit-loss.js';

type Body = { agent_id: string; action: string; data: Record<string, unknown>; context: Record<string, unknown> };

/** `audit`: the audit processor with one AgenticAudit backend on the test server, installed. `bodies`: what that server was posted. */
const it = base
  .extend('audit', ({ agenticAuditServer: server, install }) => (options: AgenticAuditOptions = {}, delivery: AuditProcessorOptions = {}): InstalledAudit =>
    // The service detects personal data itself: these tests let it see the emails they send.
    install.backends([agenticAudit({ apiKey: server.apiKey, baseUrl: server.url, ...options })], { redaction: { disable: ['email'] }, ...delivery }))
  .extend('bodies', ({ agenticAuditServer: server }) => (): Body[] => server.requests.map((r) => r.body as Body));

const chatCompletion = {
  id: 'chatcmpl-1',
  object: 'chat.completion',
  model: 'gpt-4o-2024-08-06',
  choices: [{ index: 0, message: { role: 'assistant', content: 'Your order shipped.' }, finish_reason: 'stop' }],
  usage: { prompt_tokens: 12, completion_tokens: 5, total_tokens: 17 },
};

/** A scripted session: a model call, a tool, a failing tool handled, a permission check and a custom event. */
async function scriptedSession(): Promise<string> {
  let sessionId = '';
  await withSession({ agentName: 'support-bot' }, async (session) => {
    sessionId = session.sessionId;
    await withLLMCall({ model: 'gpt-4o', provider: 'openai', messages: [{ role: 'user', content: 'Where is my order?' }] }, async () => chatCompletion);
    await withToolCall('lookup_order', { orderId: 42 }, async () => ({ status: 'shipped' }));
    await withToolCall('send_email', { to: 'x' }, async () => {
      throw new Error('smtp down');
    }).catch((error: unknown) => recordError(error));
    recordPermissionCheck({ scope: 'read:orders', allowed: true, functionName: 'get_order' });
    recordEvent('handoff', { to: 'billing' });
  });
  return sessionId;
}

describe('AgenticAudit export of a recorded session', () => {
  it('posts each event once to /v1/events, with bearer auth, action, data and context', async ({ agenticAuditServer: server, audit, bodies }) => {
    const { processor, tracing } = audit({}, { maxConcurrentRequests: 1 });
    const sessionId = await scriptedSession();
    await processor.forceFlush();

    expect(server.requests.every((r) => r.method === 'POST' && r.path === '/v1/events' && r.status === 201)).toBe(true);
    expect(server.requests.every((r) => r.headers.authorization === `Bearer ${server.apiKey}`)).toBe(true);
    expect(bodies().map((b) => [b.agent_id, b.action])).toEqual([
      ['support-bot', 'session.start'],
      ['support-bot', 'llm.prompt'],
      ['support-bot', 'llm.completion'],
      ['support-bot', 'lookup_order'],
      ['support-bot', 'send_email'],
      ['support-bot', 'error'], // the failing tool's own exception
      ['support-bot', 'error'], // recordError on the session span
      ['support-bot', 'permission_check'],
      ['support-bot', 'handoff'],
      ['support-bot', 'session.end'],
    ]);

    const spans = tracing!.memory.getFinishedSpans();
    const root = spans.find((s) => s.name === 'invoke_agent support-bot')!;
    const tool = spans.find((s) => s.name === 'execute_tool lookup_order')!;
    const traceId = root.spanContext().traceId;
    const lookup = bodies()[3]!;
    expect(lookup).toEqual({
      agent_id: 'support-bot',
      action: 'lookup_order',
      data: { tool_name: 'lookup_order', arguments: { orderId: 42 }, result: { status: 'shipped' }, status: 'ok', duration_ms: expect.any(Number) },
      context: {
        event_id: `${traceId}-${tool.spanContext().spanId}-tool_call`,
        event_type: 'tool_call',
        trace_id: traceId,
        span_id: tool.spanContext().spanId,
        parent_span_id: root.spanContext().spanId,
        session_id: sessionId,
        agent_name: 'support-bot',
        timestamp: new Date(tool.startTime[0] * 1000 + Math.floor(tool.startTime[1] / 1e6)).toISOString(),
        ...TEST_RESOURCE,
        environment: 'staging',
      },
    });
    const [, prompt, completion, , , , , permission, handoff] = bodies();
    expect(prompt!.data).toMatchObject({ model: 'gpt-4o', prompt: 'user: Where is my order?', token_count: 12 });
    expect(completion!.data).toMatchObject({ response: 'Your order shipped.', token_count: 5 });
    expect(permission!.data).toEqual({ name: 'permission_check', data: { scope: 'read:orders', allowed: true, function_name: 'get_order' } });
    expect(permission!.context.event_type).toBe('custom');
    expect(handoff!.data).toEqual({ name: 'handoff', data: { to: 'billing' } });
    expect(new Set(bodies().map((b) => b.context.event_id)).size).toBe(10);
    expect(processor.stats().backends['agentic-audit']).toMatchObject({ delivered: 10, failed: 0, dropped: 0, retries: 0 });
  });

  it('uses the agentId option over the session, and the session agent id over its name', async ({ agenticAuditServer: server, audit, bodies }) => {
    const { processor, tracing } = audit({ agentId: 'fleet-7' });
    await withSession({ agentName: 'a', agentId: 'ignored' }, () => withToolCall('t', {}, () => 1));
    await processor.forceFlush();
    expect(new Set(bodies().map((b) => b.agent_id))).toEqual(new Set(['fleet-7']));
    await tracing!.close();

    server.requests.length = 0;
    const { processor: second } = audit();
    await withSession({ agentName: 'named', agentId: 'agent-42' }, () => withToolCall('t', {}, () => 1));
    await second.forceFlush();
    expect(new Set(bodies().map((b) => b.agent_id))).toEqual(new Set(['agent-42']));
  });

  it('never has more requests in flight than maxConcurrentRequests, and uses them', async ({ agenticAuditServer: server, audit }) => {
    server.holdReplies(20);
    const { processor } = audit({}, { maxConcurrentRequests: 3, maxSpanBatchSize: 1000 });
    for (let i = 0; i < 30; i++) withToolCall(`tool_${i}`, { i }, () => i);
    await processor.forceFlush();
    expect(server.events).toHaveLength(30);
    expect(server.peakInFlight()).toBe(3);
  });
});

describe('AgenticAudit results', () => {
  it('hands risk_level, pii_detected, pii_fields, frameworks, decision and reason to onResult', async ({ agenticAuditServer: server, audit }) => {
    server.assess(({ action, data }) => {
      if (action === 'delete_customer') return { risk_level: 'critical', decision: 'block', reason: 'destructive action' };
      if (JSON.stringify(data).includes('@')) return { risk_level: 'high', pii_detected: true, pii_fields: ['email'], frameworks: { gdpr: ['art_30', 'art_15'], ai_act: ['art_14'] } };
      return {};
    });
    const seen: Array<[AgenticAuditResult, AuditEvent]> = [];
    const { processor } = audit({ onResult: (result, event) => seen.push([result, event]) }, { maxConcurrentRequests: 1 });
    withToolCall('lookup_customer', { email: 'ann@example.com' }, () => 1);
    withToolCall('delete_customer', { id: 7 }, () => 2);
    withToolCall('noop', {}, () => 3);
    await processor.forceFlush();

    expect(seen.map(([result, event]) => [event.payload.tool_name, result])).toEqual([
      ['lookup_customer', { id: server.events[0]!.id, riskLevel: 'high', piiDetected: true, piiFields: ['email'], frameworks: { gdpr: ['art_30', 'art_15'], ai_act: ['art_14'] }, decision: 'allow', reason: undefined }],
      ['delete_customer', { id: server.events[1]!.id, riskLevel: 'critical', piiDetected: false, piiFields: [], frameworks: {}, decision: 'block', reason: 'destructive action' }],
      ['noop', { id: server.events[2]!.id, riskLevel: 'low', piiDetected: false, piiFields: [], frameworks: {}, decision: 'allow', reason: undefined }],
    ]);
    // A block on a tool that already ran is a finding, not a delivery failure.
    expect(processor.stats().backends['agentic-audit']).toMatchObject({ delivered: 3, failed: 0 });
  });

  it('keeps delivering when onResult throws or rejects, and says so once', async ({ audit, diagnostics }) => {
    let calls = 0;
    const { processor } = audit({
      onResult: () => {
        calls++;
        if (calls % 2 === 0) return Promise.reject(new Error('async boom')) as unknown as void;
        throw new Error('boom');
      },
    });
    for (let i = 0; i < 4; i++) withToolCall(`t${i}`, {}, () => i);
    await processor.forceFlush();
    expect(calls).toBe(4);
    expect(processor.stats().backends['agentic-audit']).toMatchObject({ delivered: 4, failed: 0 });
    expect(diagnostics.warnings.filter((w) => w.includes('onResult'))).toHaveLength(1);
  });
});

describe('AgenticAudit failures', () => {
  it('throws at setup for an invalid option, naming it', () => {
    expect(() => agenticAudit({ baseUrl: 'localhost:8000' })).toThrow(/'agenticAudit.baseUrl' must be an http\(s\) URL/);
    expect(() => agenticAudit({ agentId: '' })).toThrow(/'agenticAudit.agentId' must be a non-empty string/);
    expect(() => agenticAudit({ onResult: 'log' as unknown as () => void })).toThrow(/'agenticAudit.onResult' must be a function/);
  });

  it('does not retry a 422 and reports the server message as a total, not once per event', async ({ agenticAuditServer: server, audit, diagnostics }) => {
    server.script((req) => ((req.body as Body | undefined)?.action === 'llm.prompt'
      ? { status: 422, body: { detail: [{ type: 'string_too_long', loc: ['body', 'data', 'prompt'], msg: 'String should have at most 8 characters', input: 'secret text' }] } }
      : undefined));
    const { processor } = audit();
    for (let i = 0; i < 5; i++) await withLLMCall({ model: 'm', prompt: `question ${i}` }, async () => 'answer');
    await processor.forceFlush();

    const prompts = server.requests.filter((r) => (r.body as Body).action === 'llm.prompt');
    expect(prompts.map((r) => r.status)).toEqual([422, 422, 422, 422, 422]);
    // Delivered: the five completions, and the audit.loss records of the refused prompts.
    const lossRecords = server.requests.filter(isLossRecordRequest).length;
    expect(lossRecords).toBeGreaterThan(0);
    expect(processor.stats().backends['agentic-audit']).toMatchObject({ delivered: 5 + lossRecords, failed: 5, retries: 0 });
    const reports = diagnostics.warnings.filter((w) => w.includes('422'));
    expect(reports.length).toBeGreaterThan(0);
    expect(reports.length).toBeLessThan(5);
    expect(reports[0]).toContain('agentic-audit: 422 on POST /v1/events (body.data.prompt: String should have at most 8 characters)');
    expect(reports.join('\n')).not.toContain('secret text'); // the echoed input stays out of logs
    const counted = reports.map((w) => Number(/— (\d+) failed: agentic-audit: 422/.exec(w)?.[1] ?? 0)).reduce((a, b) => a + b, 0);
    expect(counted).toBe(5);
  });

  it('does not retry a 401, reports it once with the env var to check, and never prints the key', async ({ agenticAuditServer: server, audit, diagnostics, deliveryWarnings }) => {
    const { processor } = audit({ apiKey: 'aa_live_wrong' });
    withToolCall('t1', {}, () => 1);
    withToolCall('t2', {}, () => 2);
    await processor.forceFlush();
    expect(activityRequests(server.requests).map((r) => r.status)).toEqual([401, 401]);
    const authErrors = (await deliveryWarnings.said()).filter((m) => m.includes('401'));
    expect(authErrors).toHaveLength(1);
    expect(authErrors[0]).toContain('AGENTAUDIT_KEY');
    expect((await deliveryWarnings.said()).join('\n') + diagnostics.warnings.join('\n')).not.toContain('aa_live_wrong');
    // The two tool calls, and the audit.loss records of their loss (refused too; not reported again).
    expect(processor.stats().backends['agentic-audit']).toMatchObject({ failed: 2 + server.requests.filter(isLossRecordRequest).length, retries: 0 });
  });

  it('retries a 500 and then delivers', async ({ agenticAuditServer: server, audit }) => {
    server.script((_req, n) => (n === 0 ? { status: 500, body: { detail: 'Internal Server Error' } } : undefined));
    const { processor } = audit();
    withToolCall('t', {}, () => 1);
    await processor.forceFlush();
    expect(server.requests.map((r) => r.status)).toEqual([500, 201]);
    expect(processor.stats().backends['agentic-audit']).toMatchObject({ delivered: 1, retries: 1 });
  });

  it('reports a missing key once and sends nothing', async ({ agenticAuditServer: server, audit, diagnostics, deliveryWarnings }) => {
    const { processor } = audit({ apiKey: '' });
    withToolCall('t', {}, () => 1);
    await processor.forceFlush();
    expect(server.requests).toHaveLength(0);
    expect((await deliveryWarnings.said()).filter((m) => m.includes('AGENTAUDIT_KEY'))).toHaveLength(1);
    // The tool call, and the audit.loss event that records its loss (sent to every backend, this one too; not reported again).
    expect(processor.stats().backends['agentic-audit']).toMatchObject({ failed: 2 });
  });
});
