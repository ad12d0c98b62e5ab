import { describe, expect, onTestFinished } from 'vitest';
import { agentops, type AuditEvent } from '../../src/index.js';
import { startLostAnswerProxy } from '../servers/agentops-lost-answer-proxy.js';
import { it } from '../support/audit-test.js';

// Batches are handed to the backend directly, in the order the delivery
// queue can produce them when one batch backs off while the next one goes.

const TRACE = 'a'.repeat(32);
const LLM_SPAN = 'b'.repeat(16);
const ROOT_SPAN = 'c'.repeat(16);
const SESSION = '6f1c2b8e-1111-4222-8333-944455556666';
const signal = new AbortController().signal;

function event(type: AuditEvent['type'], role: string, spanId: string, timestamp: string, payload: Record<string, unknown>): AuditEvent {
  return { id: `${TRACE}-${spanId}-${role}`, type, traceId: TRACE, spanId, sessionId: SESSION, timestamp, payload };
}

const prompt = event('prompt', 'prompt', LLM_SPAN, '2026-05-04T10:00:01.000Z', { model: 'm', prompt: 'hi', token_count: 2 });
const completion = event('completion', 'completion', LLM_SPAN, '2026-05-04T10:00:03.000Z', { model: 'm-1', response: 'hello there', token_count: 3, duration_ms: 2000 });

describe('AgentOps after an answer was lost (the service processed the request, the client saw a 503)', () => {
  it('keeps the completion of an LLM call split over two batches when the first batch is retried after the second went', async ({ agentOpsServer: server }) => {
    const proxy = await startLostAnswerProxy(server.url, (path, n) => path === '/v2/create_events' && n === 0);
    onTestFinished(() => proxy.close());
    const backend = agentops({ apiKey: server.apiKey, baseUrl: proxy.url });

    expect((await backend.send([prompt], signal)).kind).toBe('retryable'); // stored, answer lost: the queue backs off
    expect((await backend.send([completion], signal)).kind).toBe('delivered'); // the next batch goes meanwhile
    expect((await backend.send([prompt], signal)).kind).toBe('delivered'); // the retry
    await backend.shutdown();

    expect(proxy.lost).toEqual(['/v2/create_events']);
    const llm = server.sessions()[0]!.events.filter((e) => e.type === 'llm');
    expect(llm).toEqual([
      expect.objectContaining({
        init_timestamp: prompt.timestamp, end_timestamp: completion.timestamp, prompt: 'hi', prompt_tokens: 2,
        completion: { role: 'assistant', content: 'hello there' }, completion_tokens: 3,
      }),
    ]);
    // The completion's create met the stored prompt event (dropped as a duplicate); its update is what landed.
    expect(server.duplicateEvents()).toBe(1);
  });

  it('keeps the session start in create_session when the first create failed and a later batch created the session', async ({ agentOpsServer: server }) => {
    server.script((req, n) => (req.path === '/v2/create_session' && n === 0 ? { status: 503, body: { error: 'maintenance' } } : undefined));
    const backend = agentops({ apiKey: server.apiKey, baseUrl: server.url });
    const start = event('custom', 'session.start', ROOT_SPAN, '2026-05-04T10:00:00.000Z', { name: 'session.start' });

    expect((await backend.send([start, prompt], signal)).kind).toBe('retryable');
    expect((await backend.send([completion], signal)).kind).toBe('delivered');
    expect((await backend.send([start, prompt], signal)).kind).toBe('delivered');
    await backend.shutdown();

    const creates = server.requests.filter((r) => r.path === '/v2/create_session');
    expect(creates.map((r) => (r.body as { session: { init_timestamp: string } }).session.init_timestamp)).toEqual([start.timestamp, start.timestamp]);
    expect(server.sessions()[0]!.init_timestamp).toBe(start.timestamp);
    expect(server.sessions()[0]!.events.filter((e) => e.type === 'llm')).toEqual([expect.objectContaining({ prompt: 'hi', completion: { role: 'assistant', content: 'hello there' } })]);
  });
});
