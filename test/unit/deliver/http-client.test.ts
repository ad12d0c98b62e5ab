import type { IncomingMessage, ServerResponse } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { HttpClient, type HttpClientConfig } from '../../../src/deliver/http-client.js';
import { listenOnLoopback, readBody, type LoopbackServer } from '../../servers/loopback-server.js';

interface Seen {
  method: string;
  path: string;
  headers: IncomingMessage['headers'];
  body: string;
}

let server: LoopbackServer | undefined;
let client: HttpClient | undefined;
const seen: Seen[] = [];

afterEach(async () => {
  await client?.close();
  await server?.close();
  client = undefined;
  server = undefined;
  seen.length = 0;
});

const CONFIG: HttpClientConfig = { maxConnections: 2, timeoutMillis: 5_000, maxResponseBytes: 1_024 };

/** Starts a server whose replies are scripted per request number, and a client to it. */
async function serve(reply: (res: ServerResponse, n: number) => void, baseSuffix = '', config: Partial<HttpClientConfig> = {}): Promise<string> {
  server = await listenOnLoopback((req, res) => {
    void readBody(req).then((body) => {
      seen.push({ method: req.method ?? '', path: req.url ?? '', headers: req.headers, body: body.toString('utf8') });
      reply(res, seen.length - 1);
    });
  });
  client = new HttpClient(server.url + baseSuffix, { ...CONFIG, ...config });
  return server.url;
}

const signal = (): AbortSignal => new AbortController().signal;

describe('HttpClient', () => {
  it('sends method, path, headers and a JSON body, and returns status, headers and body', async () => {
    await serve((res) => {
      res.writeHead(201, { 'content-type': 'application/json', 'x-request-id': 'r1' });
      res.end('{"ok":true}');
    });
    const result = await client!.request('POST', '/v1/events', { authorization: 'Bearer k' }, '{"a":1}', signal());
    expect(result).toEqual({ ok: true, response: { status: 201, headers: expect.objectContaining({ 'x-request-id': 'r1' }), body: '{"ok":true}' } });
    expect(seen[0]).toMatchObject({ method: 'POST', path: '/v1/events', body: '{"a":1}' });
    expect(seen[0]!.headers).toMatchObject({ authorization: 'Bearer k', 'content-type': 'application/json' });
  });

  it('sends no content-type without a body', async () => {
    await serve((res) => res.end());
    await client!.request('GET', '/v1/events?limit=5', {}, undefined, signal());
    expect(seen[0]).toMatchObject({ method: 'GET', path: '/v1/events?limit=5' });
    expect(seen[0]!.headers['content-type']).toBeUndefined();
  });

  it('returns a non-2xx answer as a response, not an error', async () => {
    await serve((res) => {
      res.writeHead(429, { 'retry-after': '3' });
      res.end('{"error":"slow down"}');
    });
    const result = await client!.request('POST', '/x', {}, '{}', signal());
    expect(result.ok && result.response).toMatchObject({ status: 429, headers: { 'retry-after': '3' }, body: '{"error":"slow down"}' });
  });

  it.each([
    ['/audit', '/audit/v1/events'],
    ['/audit/', '/audit/v1/events'],
    ['/a/b//', '/a/b/v1/events'],
    ['', '/v1/events'],
  ])('honours the path prefix %j of the base URL', async (prefix, expected) => {
    await serve((res) => res.end(), prefix);
    await client!.request('POST', '/v1/events', {}, '{}', signal());
    expect(seen[0]!.path).toBe(expected);
  });

  it('cuts a response larger than maxResponseBytes, and the client stays usable', async () => {
    await serve((res, n) => res.end(n === 0 ? 'x'.repeat(200_000) : 'small'), '', { maxResponseBytes: 1_024 });
    const big = await client!.request('GET', '/big', {}, undefined, signal());
    expect(big.ok).toBe(true);
    if (big.ok) {
      expect(big.response.status).toBe(200);
      expect(big.response.body.length).toBeLessThanOrEqual(1_024);
      expect(big.response.body).toMatch(/^x*$/);
    }
    const next = await client!.request('GET', '/small', {}, undefined, signal());
    expect(next.ok && next.response.body).toBe('small');
  });

  it('returns a response of exactly maxResponseBytes whole', async () => {
    await serve((res) => res.end('y'.repeat(1_024)));
    const result = await client!.request('GET', '/', {}, undefined, signal());
    expect(result.ok && result.response.body).toBe('y'.repeat(1_024));
  });

  it('returns ok:false naming the failure and the address when the connection is refused', async () => {
    const url = await serve((res) => res.end());
    await server!.close();
    const result = await client!.request('POST', '/v1/events', {}, '{}', signal());
    expect(result.ok).toBe(false);
    if (!result.ok) {
      expect(result.error).toContain('ECONNREFUSED');
      expect(result.error).toContain(new URL(url).host);
    }
  });

  it('returns ok:false when the server does not answer within timeoutMillis', async () => {
    await serve(() => undefined, '', { timeoutMillis: 50 });
    const result = await client!.request('GET', '/slow', {}, undefined, signal());
    expect(result).toEqual({ ok: false, error: expect.stringMatching(/timeout/i) });
  });

  it('returns ok:false when the signal is aborted', async () => {
    await serve(() => undefined);
    const controller = new AbortController();
    const pending = client!.request('GET', '/', {}, undefined, controller.signal);
    controller.abort();
    expect(await pending).toEqual({ ok: false, error: expect.stringMatching(/abort/i) });
    expect(await client!.request('GET', '/', {}, undefined, AbortSignal.abort())).toMatchObject({ ok: false });
  });

  it('returns ok:false instead of throwing for a path undici refuses, or after close', async () => {
    await serve((res) => res.end());
    expect(await client!.request('GET', 'no-leading-slash', {}, undefined, signal())).toMatchObject({ ok: false });
    expect(await client!.request('GET', '/', { 'bad\nheader': 'x' }, undefined, signal())).toMatchObject({ ok: false });
    await client!.close();
    expect(await client!.request('GET', '/', {}, undefined, signal())).toMatchObject({ ok: false });
    await expect(client!.close()).resolves.toBeUndefined();
  });
});
