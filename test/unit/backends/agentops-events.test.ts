import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { planAgentOpsBatch, type LlmHalf } from '../../../src/backends/agentops-events.js';
import { derivedUuid, uuidFor } from '../../../src/backends/derived-uuid.js';
import type { AuditEvent, AuditEventType } from '../../../src/convert/audit-event.js';

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
const plan = (events: AuditEvent[], sent: Map<string, LlmHalf> = new Map()) => planAgentOpsBatch(events, sent, agentIdOf);
const KEY = `${TRACE}-aaaaaaaaaaaaaaaa`;

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
    expect([p.update, p.halvesSent, p.agentNames]).toEqual([[], [], ['bot']]);
  });

  it('creates the event from a completion that arrives first, and updates it with the late prompt', () => {
    const first = plan([completion]);
    expect(first.create).toEqual([expect.objectContaining({ type: 'llm', init_timestamp: '2026-05-04T10:00:00.000Z', completion: { role: 'assistant', content: 'hello' } })]);
    expect(first.halvesSent).toEqual([[KEY, 'completion']]);

    const second = plan([prompt], new Map(first.halvesSent));
    expect(second.create).toEqual([]);
    expect(second.update).toEqual([{ event_id: first.create[0]!.id, init_timestamp: prompt.timestamp, model: 'gpt-4o', prompt: 'user: hi', prompt_tokens: 3 }]);
    expect(second.llmDone).toEqual([KEY]);
  });

  it('sends a failed call as the prompt-only llm event plus an error event, waiting for no completion', () => {
    const together = plan([prompt, failure]);
    expect(together.create.map((e) => e.type)).toEqual(['llm', 'error']);
    expect(together.create[1]).toMatchObject({ error_type: 'RateLimitError', details: '429', init_timestamp: failure.timestamp });
    expect(together.halvesSent).toEqual([]);

    const apart = plan([prompt]);
    expect(apart.halvesSent).toEqual([[KEY, 'prompt']]);
    expect(plan([failure], new Map(apart.halvesSent)).llmDone).toEqual([KEY]);
  });

  it('turns session.start / session.end into the session, not events, but sends a user event of that name', () => {
    const start = event('custom', 'session.start', 'bbbbbbbbbbbbbbbb', '2026-05-04T09:59:59.000Z', { name: 'session.start' });
    const end = event('custom', 'session.end', 'bbbbbbbbbbbbbbbb', '2026-05-04T10:00:05.000Z', { name: 'session.end', outcome: 'error', status_message: 'boom' });
    const lookalike = event('custom', 'custom.0', 'cccccccccccccccc', '2026-05-04T10:00:01.000Z', { name: 'session.end', data: { x: 1 } });
    const p = plan([prompt, start, lookalike, end]);
    expect(p.initTimestamp).toBe(start.timestamp);
    expect(p.end).toEqual({ end_timestamp: end.timestamp, end_state: 'Fail', end_state_reason: 'boom' });
    expect(p.create.map((e) => [e.type, e.name])).toEqual([['llm', undefined], ['custom', 'session.end']]);
  });

  it('starts a session without session.start at its earliest event, and gives the same ids on every plan', () => {
    const tool = event('tool_call', 'tool_call', 'dddddddddddddddd', '2026-05-04T09:00:00.000Z', { tool_name: 'search', arguments: { q: 'x' }, duration_ms: 1500 });
    const p = plan([prompt, tool]);
    expect(p.initTimestamp).toBe(tool.timestamp);
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
