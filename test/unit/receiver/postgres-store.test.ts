// The PostgreSQL store against a real server started here: receivers that
// share one database, deliveries repeated across them, the schema made once,
// a restart, and what happens when the database is not there.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { serve } from '../../../src/cli/serve-command.js';
import { startAuditReceiver } from '../../../src/receiver/receiver.js';
import { startTestPostgres, type TestPostgres } from '../../support/test-postgres.js';
import { captureIo } from '../cli/cli-streams.js';
import { startTestReceiver, type TestClient } from './receiver-client.js';

let server: TestPostgres;
const clients: TestClient[] = [];

beforeAll(async () => {
  server = await startTestPostgres();
}, 60_000);
afterAll(() => server?.stop());
afterEach(async () => {
  await Promise.all(clients.splice(0).map((client) => client.receiver.close()));
});

async function receiverOn(store: string, options: { onWarning?: (message: string) => void } = {}): Promise<TestClient> {
  const client = await startTestReceiver({ store, ...options });
  clients.push(client);
  return client;
}

const event = (eventId: string, n = 0) => ({
  type: 'prompt',
  payload: { event_id: eventId, prompt: `p${n}` },
  timestamp: new Date(Date.UTC(2026, 4, 1, 0, 0, n)).toISOString(),
});

async function listAll(client: TestClient, agent: string): Promise<Array<{ id: string; payload: { event_id: string } }>> {
  const reply = await client.request('GET', `/v1/agents/${agent}/events?limit=500`);
  expect(reply.status).toBe(200);
  expect(reply.body.total).toBe(reply.body.items.length);
  return reply.body.items;
}

describe('the PostgreSQL store shared by two receivers', () => {
  it('knows an agent registered on the other, and lists events posted to both concurrently once from either', async () => {
    const store = await server.newDatabase();
    const [a, b] = [await receiverOn(store), await receiverOn(store)];
    const agent = await a.registerAgent('shared');
    const posts = Array.from({ length: 20 }, (_, i) =>
      (i % 2 === 0 ? a : b).request('POST', `/v1/agents/${agent}/events/batch`, { events: [event(`e${i}`, i), event(`f${i}`, i)] }),
    );
    const replies = await Promise.all(posts);
    expect(replies.map((reply) => reply.status)).toEqual(replies.map(() => 200));
    const fromA = await listAll(a, agent);
    const fromB = await listAll(b, agent);
    expect(fromA).toHaveLength(40);
    expect(fromB).toEqual(fromA);
    expect(new Set(fromA.map((e) => e.payload.event_id)).size).toBe(40);
  });

  it('stores a batch delivered twice, and twice at once through both receivers, once', async () => {
    const store = await server.newDatabase();
    const [a, b] = [await receiverOn(store), await receiverOn(store)];
    const agent = await a.registerAgent();
    const batch = { events: Array.from({ length: 50 }, (_, i) => event(`d${i}`, i)) };
    const first = await a.request('POST', `/v1/agents/${agent}/events/batch`, batch);
    const again = await a.request('POST', `/v1/agents/${agent}/events/batch`, batch);
    expect(again.body.results.map((e: { id: string }) => e.id)).toEqual(first.body.results.map((e: { id: string }) => e.id));

    const concurrent = { events: Array.from({ length: 50 }, (_, i) => event(`c${i}`, i)) };
    const replies = await Promise.all(
      [a, b, a, b].map((client) => client.request('POST', `/v1/agents/${agent}/events/batch`, concurrent)),
    );
    const answered = replies.map((reply) => reply.body.results.map((e: { id: string }) => e.id));
    for (const ids of answered) expect(ids).toEqual(answered[0]);
    expect(await listAll(a, agent)).toHaveLength(100);
  });

  it('answers a single event retried through the other receiver with the first delivery', async () => {
    const store = await server.newDatabase();
    const [a, b] = [await receiverOn(store), await receiverOn(store)];
    const agent = await b.registerAgent();
    const first = await a.request('POST', `/v1/agents/${agent}/events`, event('once'));
    const retry = await b.request('POST', `/v1/agents/${agent}/events`, event('once'));
    expect(retry.status).toBe(201);
    expect(retry.body).toEqual(first.body);
    expect(await listAll(b, agent)).toHaveLength(1);
  });

  it('creates the schema once when two receivers start together', async () => {
    const store = await server.newDatabase();
    const both = await Promise.all([receiverOn(store), receiverOn(store)]);
    const agent = await both[0]!.registerAgent();
    expect((await both[1]!.request('POST', `/v1/agents/${agent}/events`, event('x'))).status).toBe(201);
    const name = new URL(store).pathname.slice(1);
    expect(await server.query('SELECT version FROM otel_agent_audit_schema', name)).toEqual([{ version: 1 }]);
  });

  it('keeps agents, events and their ids across a restart', async () => {
    const store = await server.newDatabase();
    const before = await receiverOn(store);
    const agent = await before.registerAgent();
    await before.request('POST', `/v1/agents/${agent}/events/batch`, { events: [event('kept', 1)] });
    await before.receiver.close();
    clients.splice(0);
    const after = await receiverOn(store);
    const reply = await after.request('POST', `/v1/agents/${agent}/events/batch`, { events: [event('kept', 1), event('new', 2)] });
    expect(reply.status).toBe(200);
    expect((await listAll(after, agent)).map((e) => e.payload.event_id)).toEqual(['kept', 'new']);
    // The viewer's memory holds what this receiver stored: the new event only.
    expect(after.receiver.events().map((e) => e.payload.event_id)).toEqual(['new']);
  });
});

describe('the PostgreSQL store and the receiver around it', () => {
  it("shows this receiver's own stored events in the trail viewer", async () => {
    const store = await server.newDatabase();
    const [a, b] = [await receiverOn(store), await receiverOn(store)];
    const agent = await a.registerAgent('viewed');
    const inSession = (eventId: string) => ({ type: 'prompt', payload: { event_id: eventId, session_id: 's-1', prompt: 'hi' } });
    await a.request('POST', `/v1/agents/${agent}/events/batch`, { events: [inSession('v1'), inSession('v2')] });
    await b.request('POST', `/v1/agents/${agent}/events`, inSession('v3'));
    const sessions = await a.request('GET', '/ui/api/sessions');
    expect(sessions.status).toBe(200);
    expect(sessions.body.sessions).toEqual([expect.objectContaining({ id: 's-1', agentId: agent, agentName: null, events: 2 })]);
  });

  it('refuses to start on a database whose schema is newer than it knows', async () => {
    const store = await server.newDatabase();
    await (await receiverOn(store)).receiver.close();
    await server.query('INSERT INTO otel_agent_audit_schema (version) VALUES (99)', new URL(store).pathname.slice(1));
    await expect(startAuditReceiver({ port: 0, store })).rejects.toThrow(/schema version 99, newer than this receiver knows \(1\)/);
  });
});

describe('the PostgreSQL store when the database is not there', () => {
  it('refuses to start, naming the URL without its password', async () => {
    const nothing = `postgres://audit:s3cret-pw@127.0.0.1:${await closedPort()}/audit`;
    const started = startAuditReceiver({ port: 0, store: nothing });
    await expect(started).rejects.toThrow(/could not open its PostgreSQL store postgres:\/\/audit:\*\*\*@127\.0\.0\.1:\d+\/audit/);
    await expect(started).rejects.not.toThrow(/s3cret-pw/);
  });

  it('refuses an invalid store option without showing its password', async () => {
    await expect(startAuditReceiver({ port: 0, store: 'mysql://u:hunter2@127.0.0.1/db' })).rejects.toThrow(
      /store must be a postgres:\/\/ or postgresql:\/\/ URL, got mysql:…$/,
    );
    await expect(startAuditReceiver({ port: 0, store: server.url('x'), file: 'trail.jsonl' })).rejects.toThrow(/not both/);
  });

  it('answers 503 while the database is down, without crashing, and says so once', async () => {
    const own = await startTestPostgres();
    const notices: string[] = [];
    try {
      const client = await receiverOn(await own.newDatabase(), { onWarning: (message) => notices.push(message) });
      const agent = await client.registerAgent();
      expect((await client.request('POST', `/v1/agents/${agent}/events`, event('a'))).status).toBe(201);
      await own.stop();
      const write = await client.request('POST', `/v1/agents/${agent}/events/batch`, { events: [event('b')] });
      expect(write.status).toBe(503);
      expect(write.body.error).toMatch(/nothing from this request was stored/);
      expect((await client.request('POST', '/v1/agents', { name: 'n', framework: 'custom' })).status).toBe(503);
      expect((await client.request('GET', `/v1/agents/${agent}/events`)).status).toBe(503);
      expect(notices.filter((notice) => notice.includes('PostgreSQL store'))).toHaveLength(1);
    } finally {
      await own.stop();
    }
  });
});

describe('serve --store', () => {
  it('reads the URL from OTEL_AGENT_AUDIT_RECEIVER_STORE and prints it without the password', async () => {
    const store = (await server.newDatabase()).replace('audit@', 'audit:unused-pw@');
    const stop = new AbortController();
    const io = { ...captureIo(stop.signal), env: { OTEL_AGENT_AUDIT_RECEIVER_STORE: store } };
    const exit = serve(['--port', '0', '--quiet'], io);
    const [, url] = await io.stdout.waitFor(/listening on (http:\/\/\S+) \(store (\S+)\)/);
    expect(io.stdout.text).toMatch(/store postgres:\/\/audit:\*\*\*@127\.0\.0\.1/);
    expect(io.stdout.text).not.toMatch(/unused-pw/);
    const reply = await fetch(`${url}/v1/agents`, {
      method: 'POST',
      headers: { authorization: 'Bearer k', 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'cli', framework: 'custom' }),
    });
    expect(reply.status).toBe(201);
    stop.abort();
    expect(await exit).toBe(0);
  });

  it('exits 1 with the URL, without its password, when the database cannot be reached', async () => {
    const io = captureIo();
    const code = await serve(['--port', '0', '--store', `postgres://audit:topsecret@127.0.0.1:${await closedPort()}/audit`], io);
    expect(code).toBe(1);
    expect(io.stderr.text).toMatch(/postgres:\/\/audit:\*\*\*@127\.0\.0\.1/);
    expect(io.stderr.text).not.toMatch(/topsecret/);
  });
});

/** A loopback port nothing listens on (bound, then released). */
async function closedPort(): Promise<number> {
  const { createServer } = await import('node:net');
  return new Promise((resolve) => {
    const probe = createServer().listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as { port: number };
      probe.close(() => resolve(port));
    });
  });
}
