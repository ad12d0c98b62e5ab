import { describe, expect, onTestFinished } from 'vitest';
import { agentops, type AuditEvent } from '../../src/index.js';
import { startLostAnswerProxy } from '../servers/agentops-lost-answer-proxy.js';
import { it as base } from '../support/audit-test.js';

// A model-call span still open long after its session is reported by the
// processor as a failed call: its prompt and an error, in one batch. When the
// span then ends after all, only its completion follows (same trace and span).
// Batches are handed to the backend directly, as the delivery queue does.

const TRACE = 'd'.repeat(32);
const LLM_SPAN = 'e'.repeat(16);
const SESSION = '7a2d3c9f-2222-4333-8444-a55566667777';
const signal = new AbortController().signal;

function event(type: AuditEvent['type'], role: string, timestamp: string, payload: Record<string, unknown>): AuditEvent {
  return { id: `${TRACE}-${LLM_SPAN}-${role}`, type, traceId: TRACE, spanId: LLM_SPAN, sessionId: SESSION, agentName: 'bot', timestamp, payload };
}

const prompt = event('prompt', 'prompt', '2026-05-04T10:00:01.000Z', { model: 'gpt-4o-mini', prompt: 'Where is order 42?', token_count: 5 });
const givenUp = event('error', 'error.0', '2026-05-04T10:05:01.000Z', {
  error_type: 'Error', message: "the model call's span never ended (timeout); its instrumentation most likely failed to end it after an error",
});
const lateCompletion = event('completion', 'completion', '2026-05-04T10:06:00.000Z', { model: 'gpt-4o-mini-2024', response: 'Shipped.', token_count: 2, duration_ms: 359000 });

/** `expectOneCompleteCall`: the AgentOps server holds the one llm event the call must end up as, and the error event. */
const it = base.extend('expectOneCompleteCall', ({ agentOpsServer: server }) => (): void => {
  const events = server.sessions().flatMap((s) => s.events);
  expect(events.filter((e) => e.type === 'llm')).toEqual([
    expect.objectContaining({
      init_timestamp: prompt.timestamp, end_timestamp: lateCompletion.timestamp, prompt: 'Where is order 42?', prompt_tokens: 5,
      completion: { role: 'assistant', content: 'Shipped.' }, completion_tokens: 2,
    }),
  ]);
  expect(events.filter((e) => e.type === 'error')).toEqual([expect.objectContaining({ details: givenUp.payload.message })]);
});

describe('AgentOps: a call given up as failed whose completion follows later', () => {
  it('stores the late completion in the llm event of the failed call', async ({ agentOpsServer: server, expectOneCompleteCall }) => {
    const backend = agentops({ apiKey: server.apiKey, baseUrl: server.url });

    expect((await backend.send([prompt, givenUp], signal)).kind).toBe('delivered');
    expect((await backend.send([lateCompletion], signal)).kind).toBe('delivered');
    await backend.shutdown();

    expectOneCompleteCall();
    // The completion's create met the stored prompt event (dropped as a duplicate); its update is what landed.
    expect(server.duplicateEvents()).toBe(1);
  });

  it('stores both halves when the failed call\'s answer was lost and its retry comes after the completion', async ({ agentOpsServer: server, expectOneCompleteCall }) => {
    const proxy = await startLostAnswerProxy(server.url, (path, n) => path === '/v2/create_events' && n === 0);
    onTestFinished(() => proxy.close());
    const backend = agentops({ apiKey: server.apiKey, baseUrl: proxy.url });

    expect((await backend.send([prompt, givenUp], signal)).kind).toBe('retryable'); // stored, answer lost
    expect((await backend.send([lateCompletion], signal)).kind).toBe('delivered');
    expect((await backend.send([prompt, givenUp], signal)).kind).toBe('delivered'); // the retry
    await backend.shutdown();

    expect(proxy.lost).toEqual(['/v2/create_events']);
    expectOneCompleteCall();
  });

  it('stores both halves when the failed call was refused once and its retry comes after the completion', async ({ agentOpsServer: server, expectOneCompleteCall }) => {
    server.script((req, n) => (req.path === '/v2/create_events' && n === 0 ? { status: 503, body: { error: 'maintenance' } } : undefined));
    const backend = agentops({ apiKey: server.apiKey, baseUrl: server.url });

    expect((await backend.send([prompt, givenUp], signal)).kind).toBe('retryable'); // not stored
    expect((await backend.send([lateCompletion], signal)).kind).toBe('delivered'); // creates the event from the completion
    expect((await backend.send([prompt, givenUp], signal)).kind).toBe('delivered'); // the prompt updates it
    await backend.shutdown();

    expectOneCompleteCall();
  });
});
