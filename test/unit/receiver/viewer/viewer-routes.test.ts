// The trail viewer's routes on a real receiver (127.0.0.1:0, fetch): the
// assets and their headers, who may call what, and the `ui` option.
import { request } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { startAuditReceiver, type AuditReceiver, type AuditReceiverOptions } from '../../../../src/receiver/receiver.js';
import { resolveReceiverOptions } from '../../../../src/receiver/receiver-options.js';

let receiver: AuditReceiver | undefined;

async function start(options: AuditReceiverOptions = {}): Promise<AuditReceiver> {
  receiver = await startAuditReceiver({ port: 0, onWarning: () => {}, ...options });
  return receiver;
}

afterEach(async () => {
  await receiver?.close();
  receiver = undefined;
});

/** Loopback only: a receiver bound on every interface is still called at 127.0.0.1. */
function get(target: AuditReceiver, path: string, init: RequestInit = {}): Promise<Response> {
  return fetch(`http://127.0.0.1:${target.port}${path}`, { redirect: 'manual', ...init });
}

const bearer = (token: string): RequestInit => ({ headers: { authorization: `Bearer ${token}` } });

describe('the trail viewer assets', () => {
  it.each([
    ['/ui/', 'text/html; charset=utf-8', '<script src="viewer.js" defer></script>'],
    ['/ui/viewer.js', 'text/javascript; charset=utf-8', "'use strict';"],
    ['/ui/event-rows.js', 'text/javascript; charset=utf-8', 'window.TrailRows'],
    ['/ui/viewer.css', 'text/css; charset=utf-8', ':root {'],
  ])('serves %s as %s, with no-cache, a strict CSP and nosniff', async (path, contentType, content) => {
    const response = await get(await start(), path);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe(contentType);
    expect(response.headers.get('cache-control')).toBe('no-cache');
    expect(response.headers.get('x-content-type-options')).toBe('nosniff');
    const csp = response.headers.get('content-security-policy') ?? '';
    expect(csp).toContain("default-src 'self'");
    expect(csp).toContain("script-src 'self'");
    expect(csp).not.toContain('unsafe-inline');
    expect(await response.text()).toContain(content);
  });

  it('has no inline script or handler in the page, which the CSP would refuse anyway', async () => {
    const html = await (await get(await start(), '/ui/')).text();
    expect(html).not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>/);
    expect(html).not.toMatch(/\son[a-z]+=/i);
  });

  it('redirects /ui to /ui/, so the page finds its assets', async () => {
    const response = await get(await start(), '/ui');
    expect([response.status, response.headers.get('location')]).toEqual([301, '/ui/']);
  });

  it('answers 405 with Allow: GET for another method, and 404 for an unknown viewer path', async () => {
    const target = await start();
    for (const [method, path] of [['POST', '/ui/'], ['DELETE', '/ui/api/sessions'], ['PUT', '/ui/api/stream']] as const) {
      const response = await get(target, path, { method });
      expect([path, response.status, response.headers.get('allow')]).toEqual([path, 405, 'GET']);
    }
    const unknown = await get(target, '/ui/nothing-here');
    expect(unknown.status).toBe(404);
    expect(((await unknown.json()) as { error: string }).error).toContain('/ui/nothing-here');
    expect((await get(target, '/ui/api/sessions/no-such-session/events')).status).toBe(404);
  });
});

describe('the ui option', () => {
  it('is on by default on loopback (127.0.0.1, ::1, localhost) and off beyond it', () => {
    for (const host of ['127.0.0.1', '::1', 'localhost', '127.0.0.2']) expect(resolveReceiverOptions({ host }).ui).toBe(true);
    expect(resolveReceiverOptions({ host: '0.0.0.0' }).ui).toBe(false);
    expect(resolveReceiverOptions({ host: '0.0.0.0', ui: true }).ui).toBe(true);
    expect(resolveReceiverOptions({ ui: false }).ui).toBe(false);
  });

  it('throws a TypeError naming the option for a value that is not a boolean', () => {
    expect(() => resolveReceiverOptions({ ui: 'yes' as unknown as boolean })).toThrow(/ui must be a boolean/);
  });

  it('gives viewerUrl when on, and none when off', async () => {
    const on = await start();
    expect(on.viewerUrl).toBe(`${on.url}/ui/`);
    await on.close();
    expect((await start({ ui: false })).viewerUrl).toBeUndefined();
  });

  it('when off, /ui paths are unknown routes: 404 with a token, 401 without, as before', async () => {
    const target = await start({ ui: false });
    expect((await get(target, '/ui/', bearer('any'))).status).toBe(404);
    expect((await get(target, '/ui/api/sessions', bearer('any'))).status).toBe(404);
    expect((await get(target, '/ui/')).status).toBe(401);
  });
});

describe('who may read the viewer', () => {
  it('without an API key on loopback: the page and its API, with no token', async () => {
    const target = await start();
    expect((await get(target, '/ui/api/sessions')).status).toBe(200);
    expect((await get(target, '/ui/api/summary')).status).toBe(200);
    // The rest of the receiver keeps its rule.
    expect((await get(target, '/v1/agents/agt_x/events')).status).toBe(401);
  });

  it('without an API key on loopback, refuses every request addressed to another host name (a DNS-rebound page), token or not', async () => {
    const target = await start();
    // fetch will not send a Host of our choosing; node:http does. The connection itself goes to 127.0.0.1.
    const answer = (host: string, path: string, token?: string): Promise<{ status: number; body: string }> =>
      new Promise((resolve, reject) => {
        const headers: Record<string, string> = { host, ...(token !== undefined && { authorization: `Bearer ${token}` }) };
        const req = request({ host: '127.0.0.1', port: target.port, path, headers }, (res) => {
          let body = '';
          res.setEncoding('utf8').on('data', (chunk: string) => (body += chunk));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
        });
        req.on('error', reject);
        req.end();
      });
    for (const path of ['/ui/api/sessions', '/ui/api/stream', '/ui/', '/v1/agents/agt_x/events']) {
      expect((await answer('rebound.invalid:8787', path)).status, path).toBe(403);
      // Any token is accepted without a key, so a token must not open the door either.
      expect((await answer('rebound.invalid:8787', path, 'x')).status, path).toBe(403);
    }
    expect(JSON.parse((await answer('rebound.invalid', '/ui/api/summary')).body).error).toContain("Host 'rebound.invalid': this receiver has no API key");
    for (const host of [`localhost:${target.port}`, `127.0.0.1:${target.port}`, `[::1]:${target.port}`]) {
      expect((await answer(host, '/ui/api/summary')).status, host).toBe(200);
    }
  });

  it('with an API key, answers any host name, as a receiver behind a proxy must', async () => {
    const target = await start({ apiKey: 'viewer-key' });
    const status = await new Promise<number>((resolve, reject) => {
      const req = request({ host: '127.0.0.1', port: target.port, path: '/ui/api/summary', headers: { host: 'audit.internal', authorization: 'Bearer viewer-key' } }, (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      });
      req.on('error', reject);
      req.end();
    });
    expect(status).toBe(200);
  });

  it('with an API key: the page without a token, its API only with the key', async () => {
    const target = await start({ apiKey: 'viewer-key' });
    expect((await get(target, '/ui/')).status).toBe(200);
    expect((await get(target, '/ui/viewer.js')).status).toBe(200);
    expect((await get(target, '/ui/api/sessions')).status).toBe(401);
    expect((await get(target, '/ui/api/stream')).status).toBe(401);
    expect((await get(target, '/ui/api/summary', bearer('wrong'))).status).toBe(401);
    expect((await get(target, '/ui/api/summary', bearer('viewer-key'))).status).toBe(200);
  });

  it('beyond loopback without an API key: the API asks for a bearer token, as the whole receiver does', async () => {
    // Bound on every interface (called on 127.0.0.1 only), with the viewer asked for.
    const target = await start({ host: '0.0.0.0', ui: true });
    expect((await get(target, '/ui/')).status).toBe(200);
    expect((await get(target, '/ui/api/sessions')).status).toBe(401);
    expect((await get(target, '/ui/api/sessions', bearer('any'))).status).toBe(200);
  });
});
