import { randomUUID } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startAgentOpsServer, type AgentOpsTestServer } from '../../servers/agentops-server.js';

let server: AgentOpsTestServer;

beforeEach(async () => {
  server = await startAgentOpsServer();
});

afterEach(async () => {
  await server.close();
});

type Auth = { apiKey?: string; jwt?: string; raw?: Record<string, string> };

/** Real fetch on loopback, with the auth header of one kind or another. */
async function call(path: string, body: unknown, auth: Auth = {}): Promise<{ status: number; body: any }> {
  const headers: Record<string, string> = { 'content-type': 'application/json', ...auth.raw };
  if (auth.apiKey !== undefined) headers['x-agentops-api-key'] = auth.apiKey;
  if (auth.jwt !== undefined) headers.authorization = `Bearer ${auth.jwt}`;
  const res = await fetch(server.url + path, { method: 'POST', headers, body: JSON.stringify(body) });
  const text = await res.text();
  return { status: res.status, body: text === '' ? undefined : JSON.parse(text) };
}

const T = '2026-05-04T10:30:00.000Z';

async function newSession(id = randomUUID()): Promise<{ id: string; jwt: string }> {
  const created = await call('/v2/create_session', { session: { id, init_timestamp: T } }, { apiKey: server.apiKey });
  expect(created.status).toBe(200);
  return { id, jwt: created.body.jwt };
}

describe('startAgentOpsServer', () => {
  it('creates a session only with the API key header, and answers with a JWT', async () => {
    const body = { session: { id: randomUUID(), init_timestamp: T } };
    const noKey = await call('/v2/create_session', body);
    const wrongKey = await call('/v2/create_session', body, { apiKey: 'nope' });
    const asBearer = await call('/v2/create_session', body, { raw: { authorization: `Bearer ${server.apiKey}` } });
    const ok = await call('/v2/create_session', body, { apiKey: server.apiKey });
    expect([noKey.status, wrongKey.status, asBearer.status, ok.status]).toEqual([401, 401, 401, 200]);
    expect(ok.body.jwt).toEqual(expect.any(String));
    expect(server.sessions()).toHaveLength(1);
  });

  it('rejects a session without a UUID id or an ISO init_timestamp', async () => {
    const auth = { apiKey: server.apiKey };
    const notUuid = await call('/v2/create_session', { session: { id: 'support-42', init_timestamp: T } }, auth);
    const noTime = await call('/v2/create_session', { session: { id: randomUUID() } }, auth);
    const bare = await call('/v2/create_session', { id: randomUUID(), init_timestamp: T }, auth);
    expect([notUuid.status, noTime.status, bare.status]).toEqual([400, 400, 400]);
    expect(notUuid.body.error).toContain('UUID');
  });

  it('refuses events without a valid JWT, or with the API key instead of one', async () => {
    await newSession();
    const events = { events: [{ type: 'tool', name: 't', init_timestamp: T }] };
    const none = await call('/v2/create_events', events);
    const apiKey = await call('/v2/create_events', events, { apiKey: server.apiKey });
    const forged = await call('/v2/create_events', events, { jwt: 'eyJ.forged' });
    expect([none.status, apiKey.status, forged.status]).toEqual([401, 401, 401]);
    expect(server.sessions()[0]!.events).toEqual([]);
  });

  it('answers 401 to an expired JWT until it is renewed with reauthorize_jwt', async () => {
    const { id, jwt } = await newSession();
    server.expireJwt(id);
    const events = { events: [{ type: 'tool', name: 't', init_timestamp: T }] };
    const expired = await call('/v2/create_events', events, { jwt });
    const renewWithJwt = await call('/v2/reauthorize_jwt', { session_id: id }, { jwt });
    const renewUnknown = await call('/v2/reauthorize_jwt', { session_id: randomUUID() }, { apiKey: server.apiKey });
    const renewed = await call('/v2/reauthorize_jwt', { session_id: id }, { apiKey: server.apiKey });
    const after = await call('/v2/create_events', events, { jwt: renewed.body.jwt });
    expect([expired.status, renewWithJwt.status, renewUnknown.status, renewed.status, after.status]).toEqual([401, 401, 404, 200, 200]);
    expect(expired.body.error).toBe('Token has expired');
  });

  it('rejects more than 100 events, missing required fields and non-UUID ids', async () => {
    const { jwt } = await newSession();
    const tool = (i: number) => ({ type: 'tool', name: `t${i}`, init_timestamp: T });
    const tooMany = await call('/v2/create_events', { events: Array.from({ length: 101 }, (_, i) => tool(i)) }, { jwt });
    const noTime = await call('/v2/create_events', { events: [{ type: 'llm' }] }, { jwt });
    const toolNoName = await call('/v2/create_events', { events: [{ type: 'tool', init_timestamp: T }] }, { jwt });
    const errorNoType = await call('/v2/create_events', { events: [{ type: 'error', init_timestamp: T }] }, { jwt });
    const badId = await call('/v2/create_events', { events: [{ ...tool(0), id: 'evt-1' }] }, { jwt });
    const badTokens = await call('/v2/create_events', { events: [{ type: 'llm', init_timestamp: T, prompt_tokens: 1.5 }] }, { jwt });
    const hundred = await call('/v2/create_events', { events: Array.from({ length: 100 }, (_, i) => tool(i)) }, { jwt });
    expect([tooMany, noTime, toolNoName, errorNoType, badId, badTokens, hundred].map((r) => r.status)).toEqual([400, 400, 400, 400, 400, 400, 200]);
    expect(tooMany.body.error).toContain('1..100');
  });

  it('stores a repeated event id once and counts the duplicate', async () => {
    const { jwt } = await newSession();
    const event = { id: randomUUID(), type: 'tool', name: 't', init_timestamp: T };
    await call('/v2/create_events', { events: [event] }, { jwt });
    const again = await call('/v2/create_events', { events: [event] }, { jwt });
    expect(again.status).toBe(200);
    expect(server.sessions()[0]!.events).toHaveLength(1);
    expect(server.duplicateEvents()).toBe(1);
  });

  it('accepts an agent_id only after create_agent in the same session', async () => {
    const a = await newSession();
    const b = await newSession();
    const agentId = randomUUID();
    const event = { type: 'tool', name: 't', init_timestamp: T, agent_id: agentId };
    const before = await call('/v2/create_events', { events: [event] }, { jwt: a.jwt });
    await call('/v2/create_agent', { id: agentId, name: 'bot' }, { jwt: a.jwt });
    const after = await call('/v2/create_events', { events: [event] }, { jwt: a.jwt });
    const otherSession = await call('/v2/create_events', { events: [event] }, { jwt: b.jwt });
    expect([before.status, after.status, otherSession.status]).toEqual([400, 200, 400]);
  });

  it('updates only known events of the JWT session, and ends only that session with a known end_state', async () => {
    const { id, jwt } = await newSession();
    const eventId = randomUUID();
    await call('/v2/create_events', { events: [{ id: eventId, type: 'llm', init_timestamp: T, prompt: 'hi' }] }, { jwt });
    const update = await call('/v2/update_events', { events: [{ event_id: eventId, completion: 'hello', completion_tokens: 1 }] }, { jwt });
    const unknown = await call('/v2/update_events', { events: [{ event_id: randomUUID(), completion: 'x' }] }, { jwt });
    const otherId = await call('/v2/update_session', { session: { id: randomUUID(), end_timestamp: T, end_state: 'Success' } }, { jwt });
    const badState = await call('/v2/update_session', { session: { id, end_timestamp: T, end_state: 'completed' } }, { jwt });
    const ended = await call('/v2/update_session', { session: { id, end_timestamp: T, end_state: 'Fail', end_state_reason: 'r' } }, { jwt });
    expect([update, unknown, otherId, badState, ended].map((r) => r.status)).toEqual([200, 400, 400, 400, 200]);
    expect(server.sessions()[0]).toMatchObject({ events: [{ prompt: 'hi', completion: 'hello', completion_tokens: 1 }], end: { end_state: 'Fail' } });
  });
});
