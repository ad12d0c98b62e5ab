import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { planAgentOpsBatch, type AgentOpsBatchPlan } from '../../../src/backends/agentops/agentops-events.js';
import { SplitLlmCalls } from '../../../src/backends/agentops/agentops-split-calls.js';
import { derivedUuid, uuidFor } from '../../../src/backends/agentops/derived-uuid.js';
import type { AuditEvent, AuditEventType } from '../../../src/model/audit-event.js';

const TRACE = '4bf92f3577b34da6a3ce929d0e0e4736';

function event(type: AuditEventType, role: string, spanId: string, timestamp: string, payload: Record<string, unknown> = {}): AuditEvent {
  return { id: `${TRACE}-${spanId}-${role}`, type, traceId: TRACE, spanId, timestamp, sessionId: 's-1', agentName: 'bot', payload };
}

const prompt = event('prompt', 'prompt', 'aaaaaaaaaaaaaaaa', '2026-05-04T10:00:00.000Z', { model: 'gpt-4o', prompt: 'user: hi', token_count: 3 });
const completion = event('completion', 'completion', 'aaaaaaaaaaaaaaaa', '2026-05-04T10:00:02.000Z', {
  model: 'gpt-4o-2024', response: 'hello', token_count: 2, duration_ms: 2000,
});
const failure = event('error', 'error.0', 'aaaaaaaaaaaaaaaa', '2026-05-04T10:00:02.000Z', { error_type: 'RateLimitError', message: '429' });
const agentIdOf = (name: string) => derivedUuid(`agent:${name}`);
const plan = (events: AuditEvent[], calls = new SplitLlmCalls(128)) => planAgentOpsBatch(events, (key) => calls.progress(key), agentIdOf);
const KEY = `${TRACE}-aaaaaaaaaaaaaaaa`;
/** What the backend does around sending a plan: halves attempted first, confirmed once delivered. */
const attempt = (p: AgentOpsBatchPlan, calls: SplitLlmCalls) => p.splitHalves.forEach(([key, half]) => calls.attempting(key, half));
const confirm = (p: AgentOpsBatchPlan, calls: SplitLlmCalls) => {
  p.splitHalves.forEach(([key, half]) => calls.confirmed(key, half));
  p.failedSpans.forEach((key) => calls.failed(key));
};

describe('planAgentOpsBatch', () => {
  it('merges the prompt and completion of one call into one llm event', () => {
    const p = plan([prompt, completion]);
    expect(p.create).toEqual([
      {
        id: derivedUuid(`llm:${KEY}`), type: 'llm', agent_id: agentIdOf('bot'),
        init_timestamp: prompt.timestamp, end_timestamp: completion.timestamp,
        model: 'gpt-4o-2024', prompt: 'user: hi', completion: { role: 'assistant', content: 'hello' }, prompt_tokens: 3, completion_tokens: 2,
      },
    ]);
    expect([p.update, p.splitHalves, p.agentNames]).toEqual([[], [], ['bot']]);
  });

  it('creates the event from a completion that arrives first (updating it too: its prompt may have gone untracked), and updates it with the late prompt', () => {
    const calls = new SplitLlmCalls(128);
    const first = plan([completion], calls);
    expect(first.create).toEqual([expect.objectContaining({ type: 'llm', init_timestamp: '2026-05-04T10:00:00.000Z', completion: { role: 'assistant', content: 'hello' } })]);
    expect(first.update).toEqual([{ event_id: first.create[0]!.id, end_timestamp: completion.timestamp, model: 'gpt-4o-2024', completion: { role: 'assistant', content: 'hello' }, completion_tokens: 2 }]);
    expect(first.splitHalves).toEqual([[KEY, 'completion']]);
    attempt(first, calls);
    confirm(first, calls);

    const second = plan([prompt], calls);
    expect(second.create).toEqual([]);
    expect(second.update).toEqual([{ event_id: first.create[0]!.id, init_timestamp: prompt.timestamp, model: 'gpt-4o', prompt: 'user: hi', prompt_tokens: 3 }]);
    attempt(second, calls);
    confirm(second, calls);
    expect(calls.size).toBe(0); // complete: forgotten
  });

  it('creates and also updates the event when the other half was attempted but never confirmed (its answer lost)', () => {
    const calls = new SplitLlmCalls(128);
    const first = plan([prompt], calls);
    attempt(first, calls); // stored by the service, but the answer was lost: not confirmed

    const second = plan([completion], calls);
    const id = derivedUuid(`llm:${KEY}`);
    // The create is dropped as a duplicate if the prompt was stored; the update lands either way.
    expect(second.create).toEqual([expect.objectContaining({ id, type: 'llm', completion: { role: 'assistant', content: 'hello' } })]);
    expect(second.update).toEqual([{ event_id: id, end_timestamp: completion.timestamp, model: 'gpt-4o-2024', completion: { role: 'assistant', content: 'hello' }, completion_tokens: 2 }]);
    attempt(second, calls);
    confirm(second, calls);

    const retried = plan([prompt], calls); // the first batch's retry
    expect(retried.create).toEqual([]);
    expect(retried.update).toEqual([expect.objectContaining({ event_id: id, prompt: 'user: hi' })]);
  });

  it('forgets the oldest split call past its capacity, then treats unknown calls as possibly half stored', () => {
    const calls = new SplitLlmCalls(2);
    for (const span of ['1111111111111111', '2222222222222222', '3333333333333333']) calls.attempting(`${TRACE}-${span}`, 'prompt');
    expect(calls.size).toBe(2);
    expect(calls.progress(`${TRACE}-1111111111111111`)).toBe('unknown');
    // A completion of a forgotten call creates its event and updates it, so it is stored whatever happened before.
    const p = plan([completion], calls);
    expect(p.create).toHaveLength(1);
    expect(p.update).toEqual([expect.objectContaining({ event_id: derivedUuid(`llm:${KEY}`), completion: { role: 'assistant', content: 'hello' } })]);
  });

  it('sends a failed call as the prompt-only llm event plus an error event, waiting for no completion', () => {
    const together = plan([prompt, failure]);
    expect(together.create.map((e) => e.type)).toEqual(['llm', 'error']);
    expect(together.create[1]).toMatchObject({ error_type: 'RateLimitError', details: '429', init_timestamp: failure.timestamp });
    expect(together.splitHalves).toEqual([]);

    const calls = new SplitLlmCalls(128);
    const apart = plan([prompt], calls);
    expect(apart.splitHalves).toEqual([[KEY, 'prompt']]);
    attempt(apart, calls);
    confirm(apart, calls);
    const failed = plan([failure], calls);
    expect(failed.failedSpans).toEqual([KEY]);
    confirm(failed, calls);
    expect(calls.size).toBe(0);
  });

  it('updates the llm event of a call given up as failed (prompt + error in one batch) with the completion that follows after all', () => {
    const calls = new SplitLlmCalls(128);
    const failedCall = plan([prompt, failure], calls);
    attempt(failedCall, calls);
    confirm(failedCall, calls);

    const late = plan([completion], calls);
    const id = derivedUuid(`llm:${KEY}`);
    // Nothing tracked the prompt: the create is dropped as a duplicate of the stored prompt event, the update lands.
    expect(late.create).toEqual([expect.objectContaining({ id, type: 'llm' })]);
    expect(late.update).toEqual([expect.objectContaining({ event_id: id, completion: { role: 'assistant', content: 'hello' } })]);
  });

  it('turns session.start / session.end into the session, not events, but sends a user event of that name', () => {
    const start = event('custom', 'session.start', 'bbbbbbbbbbbbbbbb', '2026-05-04T09:59:59.000Z', { name: 'session.start' });
    const end = event('custom', 'session.end', 'bbbbbbbbbbbbbbbb', '2026-05-04T10:00:05.000Z', { name: 'session.end', outcome: 'error', status_message: 'boom' });
    const lookalike = event('custom', 'custom.0', 'cccccccccccccccc', '2026-05-04T10:00:01.000Z', { name: 'session.end', data: { x: 1 } });
    const p = plan([prompt, start, lookalike, end]);
    expect(p.sessionStart).toBe(start.timestamp);
    expect(p.end).toEqual({ end_timestamp: end.timestamp, end_state: 'Fail', end_state_reason: 'boom' });
    expect(p.create.map((e) => [e.type, e.name])).toEqual([['llm', undefined], ['custom', 'session.end']]);
  });

  it('starts a session without session.start at its earliest event, and gives the same ids on every plan', () => {
    const tool = event('tool_call', 'tool_call', 'dddddddddddddddd', '2026-05-04T09:00:00.000Z', { tool_name: 'search', arguments: { q: 'x' }, duration_ms: 1500 });
    const p = plan([prompt, tool]);
    expect([p.sessionStart, p.earliest]).toEqual([undefined, tool.timestamp]);
    expect(p.create[1]).toEqual({
      id: derivedUuid(`event:${tool.id}`), type: 'tool', agent_id: agentIdOf('bot'), name: 'search',
      init_timestamp: tool.timestamp, end_timestamp: '2026-05-04T09:00:01.500Z', input: { q: 'x' },
    });
    expect(plan([prompt, tool])).toEqual(p);
  });

  it('leaves out token counts that are not whole numbers instead of failing the batch', () => {
    const odd = event('prompt', 'prompt', 'eeeeeeeeeeeeeeee', '2026-05-04T10:00:00.000Z', { prompt: 'x', token_count: 2.5 });
    expect(plan([odd]).create[0]).not.toHaveProperty('prompt_tokens');
  });
});

describe('uuidFor', () => {
  it('keeps a UUID (lower-cased) and derives a stable version 5 UUID from anything else', () => {
    const id = randomUUID();
    expect(uuidFor('session', id.toUpperCase())).toBe(id);
    expect(uuidFor('session', 'support-42')).toBe(uuidFor('session', 'support-42'));
    expect(uuidFor('session', 'support-42')).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(uuidFor('session', 'support-42')).not.toBe(uuidFor('session', 'support-43'));
  });
});
