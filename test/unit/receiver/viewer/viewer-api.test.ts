// The viewer's JSON API on a real receiver: sessions with their counts, a
// session's events in time order, and the trail's totals (loss, redactions).
import { afterEach, describe, expect, it } from 'vitest';
import { startTestReceiver, type TestClient } from '../receiver-client.js';

let client: TestClient | undefined;

afterEach(async () => {
  await client?.receiver.close();
  client = undefined;
});

async function api(path: string): Promise<any> {
  const response = await fetch(client!.receiver.url + path);
  expect(response.status).toBe(200);
  expect(response.headers.get('content-type')).toBe('application/json; charset=utf-8');
  expect(response.headers.get('cache-control')).toBe('no-store');
  return response.json();
}

const at = (second: number) => `2026-05-04T10:30:${String(second).padStart(2, '0')}Z`;

/** A gated tool call: the gate's request and its outcome share `payload.event_id`. */
function blockedCall(session: string) {
  const common = { session_id: session, agent_name: 'ops-bot', event_id: 't-s-tool_call', tool_name: 'wire_money', arguments: { amount: 5 } };
  return [
    { type: 'tool_call', timestamp: at(3), payload: { ...common, status: 'pending' } },
    { type: 'tool_call', timestamp: at(3), payload: { ...common, status: 'error', decision: { verdict: 'block' } } },
  ];
}

describe('GET /ui/api/sessions', () => {
  it('lists each session with its agent, time range, counts per type, errors and blocked and flagged tool calls, newest first', async () => {
    client = await startTestReceiver({ deniedTools: ['wire_money'] });
    const agent = await client.registerAgent('ops-bot');
    await client.request('POST', `/v1/agents/${agent}/events/batch`, {
      events: [
        { type: 'prompt', timestamp: at(1), payload: { session_id: 'older', agent_name: 'ops-bot', prompt: 'hi' } },
        { type: 'prompt', timestamp: at(2), payload: { session_id: 'newer', agent_name: 'ops-bot', prompt: 'mail bob@example.com' } },
        ...blockedCall('newer'),
        { type: 'tool_call', timestamp: at(4), payload: { session_id: 'newer', tool_name: 'send', arguments: { to: 'bob@example.com' }, status: 'ok' } },
        { type: 'error', timestamp: at(5), payload: { session_id: 'newer', error_type: 'Error', message: 'boom' } },
        { type: 'custom', timestamp: at(6), payload: { name: 'audit.checkpoint' } },
      ],
    });

    const { sessions } = await api('/ui/api/sessions');

    expect(sessions.map((session: { id: string }) => session.id)).toEqual([`no-session.${agent}`, 'newer', 'older']);
    expect(sessions[1]).toEqual({
      id: 'newer',
      agentId: agent,
      agentName: 'ops-bot',
      first: at(2),
      last: at(5),
      events: 5,
      counts: { prompt: 1, tool_call: 3, error: 1 },
      errors: 1,
      blockedToolCalls: 1,
      flaggedToolCalls: 1,
      redactions: 0,
    });
  });
});

describe('GET /ui/api/sessions/{id}/events', () => {
  it("answers the session's events in time order, whatever order they arrived in", async () => {
    client = await startTestReceiver();
    const agent = await client.registerAgent();
    for (const second of [5, 1, 3]) {
      await client.request('POST', `/v1/agents/${agent}/events`, { type: 'prompt', timestamp: at(second), payload: { session_id: 's/1', prompt: `p${second}` } });
    }
    await client.request('POST', `/v1/agents/${agent}/events`, { type: 'prompt', timestamp: at(2), payload: { session_id: 'other', prompt: 'x' } });

    const found = await api(`/ui/api/sessions/${encodeURIComponent('s/1')}/events`);

    expect(found.events.map((event: { payload: { prompt: string } }) => event.payload.prompt)).toEqual(['p1', 'p3', 'p5']);
    expect(found.session).toMatchObject({ id: 's/1', events: 3, first: at(1), last: at(5) });
  });

  it('answers 400 for a session id that is not valid percent-encoding', async () => {
    client = await startTestReceiver();
    expect((await fetch(`${client.receiver.url}/ui/api/sessions/%E0%A4%A/events`)).status).toBe(400);
  });
});

describe('GET /ui/api/summary', () => {
  it('counts events, sessions, audit.loss reports and the events they lost, and redaction markers', async () => {
    client = await startTestReceiver();
    const agent = await client.registerAgent();
    await client.request('POST', `/v1/agents/${agent}/events/batch`, {
      events: [
        { type: 'prompt', payload: { session_id: 'a', prompt: 'call [REDACTED:phone] or [REDACTED:email:0123456789abcdef]' } },
        { type: 'tool_call', payload: { session_id: 'a', tool_name: 't', arguments: { key: '[REDACTED:secret_field]' } } },
        { type: 'custom', payload: { name: 'audit.loss', backend: 'secureagentics', lost: 7, by_reason: { 'failed: 400': 7 } } },
        { type: 'custom', payload: { name: 'audit.loss', backend: 'agentops', lost: 2, by_reason: {} } },
        { type: 'custom', payload: { name: 'not.a.loss', lost: 100 } },
      ],
    });

    expect(await api('/ui/api/summary')).toEqual({ events: 5, sessions: 2, lossEvents: 2, lostEvents: 9, redactions: 3 });
  });

  it('follows the store when it drops its oldest events (maxEventsInMemory)', async () => {
    client = await startTestReceiver({ maxEventsInMemory: 8, onWarning: () => {} });
    const agent = await client.registerAgent();
    await client.request('POST', `/v1/agents/${agent}/events/batch`, {
      events: Array.from({ length: 6 }, (_, i) => ({ type: 'prompt', payload: { session_id: 'early', prompt: `[REDACTED:email] ${i}` } })),
    });
    expect(await api('/ui/api/summary')).toMatchObject({ events: 6, redactions: 6 });
    await client.request('POST', `/v1/agents/${agent}/events/batch`, {
      events: Array.from({ length: 4 }, (_, i) => ({ type: 'prompt', payload: { session_id: 'late', prompt: `${i}` } })),
    });
    // The 9th event drops the oldest three (down to 6); the 10th makes 7.
    const summary = await api('/ui/api/summary');
    expect(summary.events).toBe(client.receiver.events().length);
    expect(summary).toEqual({ events: 7, sessions: 2, lossEvents: 0, lostEvents: 0, redactions: 3 });
  });
});
