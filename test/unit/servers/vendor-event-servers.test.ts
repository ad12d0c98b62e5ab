// The strict AgenticAudit and AgentSudo test servers refuse what the real
// services refuse: a server that accepted a wrong request would let a broken
// client pass its tests.
import { afterEach, describe, expect, it } from 'vitest';
import { startAgenticAuditServer, type AgenticAuditTestServer } from '../../servers/agentic-audit-server.js';
import { startAgentSudoServer, type AgentSudoTestServer } from '../../servers/agentsudo-server.js';

let servers: Array<{ close(): Promise<void> }> = [];

afterEach(async () => {
  for (const server of servers) await server.close();
  servers = [];
});

async function post(url: string, body: unknown, headers: Record<string, string>): Promise<{ status: number; body: any }> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
  const text = await response.text();
  return { status: response.status, body: text === '' ? undefined : JSON.parse(text) };
}

describe('the AgenticAudit test server', () => {
  async function start(): Promise<AgenticAuditTestServer> {
    const server = await startAgenticAuditServer();
    servers.push(server);
    return server;
  }
  const valid = { agent_id: 'bot', action: 'lookup', data: { id: 1 } };

  it('accepts a valid event with 201 and the documented fields', async () => {
    const server = await start();
    const reply = await post(`${server.url}/v1/events`, { ...valid, context: { env: 'dev' } }, { authorization: `Bearer ${server.apiKey}` });
    expect(reply.status).toBe(201);
    expect(reply.body).toMatchObject({ ...valid, context: { env: 'dev' }, reasoning: null, risk_level: 'low', pii_detected: false, pii_fields: [], frameworks: {}, stored: true, decision: 'allow', reason: null });
    expect(server.events).toHaveLength(1);
  });

  it.each([
    ['no Authorization header', {}],
    ['the key in X-API-Key', { 'x-api-key': 'aa_live_test_0123456789' }],
    ['a wrong key', { authorization: 'Bearer aa_live_other' }],
  ])('answers 401 for %s', async (_name, headers) => {
    const server = await start();
    expect((await post(`${server.url}/v1/events`, valid, headers)).status).toBe(401);
    expect(server.events).toEqual([]);
  });

  it.each([
    ['agent_id missing', { action: 'a', data: {} }, ['body', 'agent_id'], 'Field required'],
    ['action a number', { agent_id: 'x', action: 1, data: {} }, ['body', 'action'], 'Input should be a valid string'],
    ['data a string', { agent_id: 'x', action: 'a', data: 'x' }, ['body', 'data'], 'Input should be a valid dictionary'],
    ['context a list', { ...valid, context: [] }, ['body', 'context'], 'Input should be a valid dictionary'],
    ['an unknown field', { ...valid, timestamp: 'now' }, ['body', 'timestamp'], 'Extra inputs are not permitted'],
  ])('answers 422 with a FastAPI detail for %s', async (_name, body, loc, msg) => {
    const server = await start();
    const reply = await post(`${server.url}/v1/events`, body, { authorization: `Bearer ${server.apiKey}` });
    expect(reply.status).toBe(422);
    expect(reply.body.detail).toContainEqual(expect.objectContaining({ loc, msg }));
    expect(server.events).toEqual([]);
  });
});

describe('the AgentSudo test server', () => {
  async function start(): Promise<AgentSudoTestServer> {
    const server = await startAgentSudoServer();
    servers.push(server);
    return server;
  }
  const valid = { agent_name: 'SupportBot', action: 'permission_check', scope: 'read:orders', allowed: true, function_name: 'get_order' };

  it('accepts a valid event with 201 and the documented receipt', async () => {
    const server = await start();
    const reply = await post(`${server.url}/ingest-event`, valid, { 'x-api-key': server.apiKey });
    expect(reply.status).toBe(201);
    expect(Object.keys(reply.body).sort()).toEqual(['action', 'agent_id', 'agent_name', 'allowed', 'id', 'project_id', 'scope', 'timestamp']);
    expect(reply.body).toMatchObject({ agent_name: 'SupportBot', action: 'permission_check', scope: 'read:orders', allowed: true });
  });

  it.each([
    ['no X-API-Key', {}],
    ['the key as a bearer token', { authorization: 'Bearer as_test_0123456789' }],
    ['a wrong key', { 'x-api-key': 'as_other' }],
  ])('answers 401 {error} for %s', async (_name, headers) => {
    const server = await start();
    expect(await post(`${server.url}/ingest-event`, valid, headers)).toEqual({ status: 401, body: { error: 'Invalid API key' } });
  });

  it.each([
    ['agent_name missing', { action: 'a', allowed: true }, /Missing required fields: agent_name/],
    ['allowed missing', { agent_name: 'b', action: 'a' }, /Missing required fields: allowed/],
    ['allowed a string', { agent_name: 'b', action: 'a', allowed: 'yes' }, /allowed must be a boolean/],
    ['scope a number', { ...valid, scope: 3 }, /scope must be a string/],
    ['metadata a list', { ...valid, metadata: [] }, /metadata must be an object/],
    ['an unknown field', { ...valid, reason: 'x' }, /unknown fields reason/],
    ['a body that is not JSON', 'agent_name=b', /body must be a JSON object/],
  ])('answers 400 INVALID_PAYLOAD {error} for %s', async (_name, body, message) => {
    const server = await start();
    const reply = await post(`${server.url}/ingest-event`, body, { 'x-api-key': server.apiKey });
    expect(reply.status).toBe(400);
    expect(reply.body.error).toMatch(message);
    expect(server.events).toEqual([]);
  });
});
