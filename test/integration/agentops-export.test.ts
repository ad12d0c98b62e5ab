import type { HrTime } from '@opentelemetry/api';
import { describe, expect } from 'vitest';
import { agentops, withLLMCall, withSession, withToolCall, type AgentOpsOptions } from '../../src/index.js';
import { auditSpanProcessor, type AuditProcessorOptions } from '../../src/pipeline/audit-span-processor.js';
import type { AgentOpsRequest } from '../servers/agentops-server.js';
import { it as base, type InstalledAudit } from '../support/audit-test.js';
import { FAST_RETRY } from '../support/tracing.js';

/**
 * `audit`: the audit processor with one AgentOps backend on the test server, installed on a
 * provider with the default resource; spans wait for forceFlush unless told otherwise.
 * `calls`: the server's requests as `path status`. `bodyOf`: the body of the nth request to /v2/`path`.
 */
const it = base
  .extend('audit', ({ agentOpsServer: server, install }) =>
    (options: AgentOpsOptions = {}, delivery: AuditProcessorOptions & { scheduledDelayMillis?: number; maxSpanBatchSize?: number } = {}): InstalledAudit => {
      const processor = auditSpanProcessor({
        backends: [agentops({ apiKey: server.apiKey, baseUrl: server.url, ...options })],
        ...FAST_RETRY,
        scheduledDelayMillis: 60_000,
        ...delivery,
      });
      return { processor, tracing: install.tracing([processor]) };
    })
  .extend('calls', ({ agentOpsServer: server }) => (requests: AgentOpsRequest[] = server.requests) => requests.map((r) => `${r.path.slice(4)} ${r.status}`))
  .extend('bodyOf', ({ agentOpsServer: server }) => (path: string, nth = 0) => server.requests.filter((r) => r.path === `/v2/${path}`)[nth]?.body as any);

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
const iso = (time: HrTime) => new Date(time[0] * 1000 + Math.floor(time[1] / 1e6)).toISOString();

const chatCompletion = {
  id: 'chatcmpl-1',
  model: 'gpt-4o-2024-08-06',
  choices: [{ index: 0, message: { role: 'assistant', content: 'Your order shipped.' }, finish_reason: 'stop' }],
  usage: { prompt_tokens: 12, completion_tokens: 5, total_tokens: 17 },
};

describe('AgentOps export of a recorded session', () => {
  it('sends the exact requests of a scripted session: session, agent, events, end', async ({ agentOpsServer: server, audit, calls, bodyOf }) => {
    const { processor, tracing } = audit({ tags: ['production'] });
    let sessionId = '';
    await withSession({ agentName: 'support-bot' }, async (session) => {
      sessionId = session.sessionId;
      await processor.forceFlush(); // session.start goes as the session begins
      expect(calls()).toEqual(['create_session 200']);
      await withLLMCall({ model: 'gpt-4o', provider: 'openai', messages: [{ role: 'user', content: 'Where is my order?' }] }, async () => chatCompletion);
      await withToolCall('lookup_order', { orderId: 42 }, async () => ({ status: 'shipped' }));
      await withToolCall('send_email', { to: 'x' }, async () => {
        throw new Error('smtp down');
      }).catch(() => undefined);
    });
    await processor.forceFlush();

    expect(calls()).toEqual(['create_session 200', 'create_agent 200', 'create_events 200', 'update_session 200']);
    const spans = tracing!.memory.getFinishedSpans();
    const span = (name: string) => spans.find((s) => s.name === name)!;
    const [root, llm, lookup, email] = [span('invoke_agent support-bot'), span('chat gpt-4o'), span('execute_tool lookup_order'), span('execute_tool send_email')];

    const [createSession, createAgent] = server.requests;
    expect(createSession!.headers['x-agentops-api-key']).toBe(server.apiKey);
    expect(createSession!.headers.authorization).toBeUndefined();
    expect(createSession!.body).toEqual({
      session: { id: sessionId, init_timestamp: iso(root.startTime), tags: ['production'], host_env: expect.objectContaining({ OS: expect.any(Object), SDK: expect.objectContaining({ 'Node Version': process.version }) }) },
    });
    const jwt = server.requests.slice(1).map((r) => r.headers.authorization);
    expect(new Set(jwt).size).toBe(1);
    expect(jwt[0]).toMatch(/^Bearer eyJ\./);
    expect(createAgent!.headers['x-agentops-api-key']).toBeUndefined();

    const agent = bodyOf('create_agent');
    expect(agent).toEqual({ id: expect.stringMatching(UUID), name: 'support-bot' });
    const events = bodyOf('create_events').events;
    expect(events).toEqual([
      {
        id: expect.stringMatching(UUID), type: 'llm', agent_id: agent.id,
        init_timestamp: iso(llm.startTime), end_timestamp: iso(llm.endTime),
        model: 'gpt-4o-2024-08-06', prompt: [{ role: 'user', content: 'Where is my order?' }],
        completion: { role: 'assistant', content: 'Your order shipped.' }, prompt_tokens: 12, completion_tokens: 5,
      },
      {
        id: expect.stringMatching(UUID), type: 'tool', agent_id: agent.id, name: 'lookup_order',
        init_timestamp: iso(lookup.startTime), end_timestamp: expect.any(String), input: { orderId: 42 }, output: { status: 'shipped' },
      },
      { id: expect.stringMatching(UUID), type: 'tool', agent_id: agent.id, name: 'send_email', init_timestamp: iso(email.startTime), end_timestamp: expect.any(String), input: { to: 'x' } },
      { id: expect.stringMatching(UUID), type: 'error', agent_id: agent.id, error_type: 'Error', details: 'smtp down', init_timestamp: expect.any(String) },
    ]);
    expect(bodyOf('update_session')).toEqual({ session: { id: sessionId, end_timestamp: iso(root.endTime), end_state: 'Success' } });
    expect(server.sessions()[0]!.events).toHaveLength(4);
    expect(processor.stats().backends.agentops).toMatchObject({ delivered: 7, failed: 0, dropped: 0 });
  });

  it('ends the session Fail, with the error as reason, when the root span ends in error', async ({ agentOpsServer: server, audit, calls, bodyOf }) => {
    const { processor } = audit();
    let sessionId = '';
    await withSession({ agentName: 'payer' }, async (session) => {
      sessionId = session.sessionId;
      throw new Error('payment declined');
    }).catch(() => undefined);
    await processor.forceFlush();

    expect(bodyOf('update_session').session).toMatchObject({ id: sessionId, end_state: 'Fail', end_state_reason: 'payment declined' });
    expect(server.sessions()[0]!.end).toMatchObject({ end_state: 'Fail', end_state_reason: 'payment declined' });
    // The root span's own error is an error event, sent before the end.
    expect(calls().slice(-2)).toEqual(['create_events 200', 'update_session 200']);
    expect(bodyOf('create_events').events).toEqual([expect.objectContaining({ type: 'error', details: 'payment declined' })]);
  });

  it('renews an expired JWT mid-session and repeats the call once: nothing lost, nothing duplicated', async ({ agentOpsServer: server, audit, calls }) => {
    const { processor } = audit();
    await withSession({ agentName: 'night-shift' }, async (session) => {
      await withToolCall('first', {}, () => 1);
      await processor.forceFlush();
      server.expireJwt(session.sessionId);
      await withToolCall('second', {}, () => 2);
      await withLLMCall({ model: 'm', messages: [{ role: 'user', content: 'hi' }] }, async () => chatCompletion);
    });
    await processor.forceFlush();

    expect(calls()).toEqual([
      'create_session 200', 'create_agent 200', 'create_events 200',
      'create_events 401', 'reauthorize_jwt 200', 'create_events 200', 'update_session 200',
    ]);
    const [before, refused, renew, repeated] = server.requests.slice(2);
    expect(renew!.headers['x-agentops-api-key']).toBe(server.apiKey);
    expect(renew!.body).toEqual({ session_id: server.sessions()[0]!.id });
    expect(repeated!.body).toEqual(refused!.body);
    expect(repeated!.headers.authorization).not.toBe(before!.headers.authorization);
    const stored = server.sessions()[0]!;
    expect(stored.events.map((e) => e.name ?? e.type)).toEqual(['first', 'second', 'llm']);
    expect(server.duplicateEvents()).toBe(0);
    expect(stored.end?.end_state).toBe('Success');
    expect(processor.stats().backends.agentops).toMatchObject({ delivered: 6, failed: 0, retries: 0 });
  });

  it('sends an LLM call split over two batches as one llm event, completed with update_events', async ({ agentOpsServer: server, audit, calls, bodyOf }) => {
    const { processor } = audit({}, { maxSpanBatchSize: 1000 });
    await withSession({ agentName: 'busy' }, async () => {
      await processor.forceFlush();
      // 100 tool events between the call's prompt (at its start) and its completion (at its end).
      await withLLMCall({ model: 'm', messages: [{ role: 'user', content: 'plan' }] }, async () => {
        for (let i = 0; i < 100; i++) await withToolCall(`step_${i}`, { i }, () => i);
        return chatCompletion;
      });
    });
    await processor.forceFlush();

    expect(calls()).toEqual(['create_session 200', 'create_agent 200', 'create_events 200', 'create_events 200', 'update_events 200', 'update_session 200']);
    const llmEvent = bodyOf('create_events', 0).events[0];
    expect(llmEvent).toMatchObject({ type: 'llm', prompt: [{ role: 'user', content: 'plan' }], prompt_tokens: 12 });
    expect(llmEvent.completion).toBeUndefined();
    expect(bodyOf('create_events', 0).events).toHaveLength(100);
    expect(bodyOf('update_events').events).toEqual([
      expect.objectContaining({ event_id: llmEvent.id, completion: { role: 'assistant', content: 'Your order shipped.' }, completion_tokens: 5 }),
    ]);
    const stored = server.sessions()[0]!.events;
    expect(stored).toHaveLength(101);
    expect(stored.filter((e) => e.type === 'llm')).toEqual([expect.objectContaining({ prompt_tokens: 12, completion_tokens: 5 })]);
  });

  it('retries a 503 on create_events with the same event ids and stores each event once', async ({ agentOpsServer: server, audit, calls, bodyOf }) => {
    server.script((req, n) => (req.path === '/v2/create_events' && n === 0 ? { status: 503, body: { error: 'maintenance' } } : undefined));
    const { processor } = audit();
    await withSession({ agentName: 'retrier' }, () => withToolCall('t', {}, () => 1));
    await processor.forceFlush();

    expect(calls()).toEqual(['create_session 200', 'create_agent 200', 'create_events 503', 'create_events 200', 'update_session 200']);
    expect(bodyOf('create_events', 1)).toEqual(bodyOf('create_events', 0));
    expect(server.sessions()[0]!.events).toHaveLength(1);
    expect(processor.stats().backends.agentops).toMatchObject({ delivered: 3, retries: 1, failed: 0 });
  });

  it('never sends more than 100 events in one request', async ({ agentOpsServer: server, audit }) => {
    const { processor } = audit({}, { maxSpanBatchSize: 1000 });
    await withSession({ agentName: 'bulk' }, async () => {
      for (let i = 0; i < 250; i++) await withToolCall(`tool_${i}`, { i }, () => i);
    });
    await processor.forceFlush();
    const sizes = server.requests.filter((r) => r.path === '/v2/create_events').map((r) => (r.body as { events: unknown[] }).events.length);
    expect(sizes).toEqual([99, 100, 51]);
    expect(server.requests.every((r) => r.status === 200)).toBe(true);
    expect(server.sessions()[0]!.events).toHaveLength(250);
  });
});

describe('AgentOps events without a session', () => {
  it('delivers them in one process-wide session, tagged, ended Indeterminate at shutdown', async ({ agentOpsServer: server, audit, calls }) => {
    const { processor } = audit({ tags: ['ci'] });
    await withToolCall('cron_job', { run: 1 }, () => 'ok');
    await withToolCall('cron_job', { run: 2 }, () => 'ok');
    await processor.forceFlush();
    expect(calls()).toEqual(['create_session 200', 'create_events 200']);
    const [session] = server.sessions();
    expect(session!.tags).toEqual(['ci', 'otel-agent-audit:no-session']);
    expect(session!.events.map((e) => e.input)).toEqual([{ run: 1 }, { run: 2 }]);

    await processor.shutdown();
    expect(calls().at(-1)).toBe('update_session 200');
    expect(session!.end).toMatchObject({ end_state: 'Indeterminate', end_state_reason: expect.stringContaining('outside withSession') });
  });
});

describe('AgentOps configuration errors', () => {
  it('reports a refused API key once, saying what to check, and never retries it', async ({ audit, calls, diagnostics, deliveryWarnings }) => {
    const { processor } = audit({ apiKey: 'wrong-key' });
    await withSession({ agentName: 'a' }, () => withToolCall('t1', {}, () => 1));
    await processor.forceFlush();
    await withSession({ agentName: 'b' }, () => withToolCall('t2', {}, () => 2));
    await processor.forceFlush();

    // The third: the no-session session the audit.loss record of the first loss is sent in (refused too, and not reported again).
    expect(calls().slice(0, 2)).toEqual(['create_session 401', 'create_session 401']);
    expect(new Set(calls())).toEqual(new Set(['create_session 401']));
    const authErrors = (await deliveryWarnings.said()).filter((m) => m.includes('401'));
    expect(authErrors).toHaveLength(1);
    expect(authErrors[0]).toContain('AGENTOPS_API_KEY');
    expect(authErrors[0]).not.toContain('wrong-key');
    expect(processor.stats().backends.agentops).toMatchObject({ delivered: 0, retries: 0 });
    expect(processor.stats().backends.agentops!.failed).toBeGreaterThanOrEqual(6);
  });

  it('gives up after one renewal when the renewed JWT is refused too, and says so once', async ({ agentOpsServer: server, audit, calls, diagnostics, deliveryWarnings }) => {
    server.script((req) => (req.path === '/v2/create_events' ? { status: 401, body: { error: 'Token has expired' } } : undefined));
    const { processor } = audit();
    await withSession({ agentName: 'x' }, () => withToolCall('t', {}, () => 1));
    await processor.forceFlush();

    // Then the audit.loss record of the lost events goes the same way (in the no-session session), and is not reported again.
    expect(calls().slice(0, 5)).toEqual(['create_session 200', 'create_agent 200', 'create_events 401', 'reauthorize_jwt 200', 'create_events 401']);
    const errors = (await deliveryWarnings.said()).filter((m) => m.includes('reauthorize_jwt'));
    expect(errors).toHaveLength(1);
    expect(errors[0]).toContain('AGENTOPS_BASE_URL');
    expect(processor.stats().backends.agentops).toMatchObject({ retries: 0 });
    expect(processor.stats().backends.agentops!.failed).toBeGreaterThanOrEqual(3);
  });

  it('reports a missing API key once and sends nothing', async ({ agentOpsServer: server, audit, diagnostics, deliveryWarnings }) => {
    const { processor } = audit({ apiKey: '' });
    await withSession({ agentName: 'a' }, () => withToolCall('t', {}, () => 1));
    await processor.forceFlush();
    expect(server.requests).toEqual([]);
    expect((await deliveryWarnings.said()).filter((m) => m.includes('AGENTOPS_API_KEY'))).toHaveLength(1);
  });
});
