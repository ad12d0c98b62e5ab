/**
 * The gateway as an OTLP/HTTP server, over real sockets on 127.0.0.1: it
 * answers 200 with an empty response in the request's encoding only once
 * the request's events are in the spool on disk, and refuses what is not an
 * OTLP request with the status OTLP/HTTP asks for and a reason.
 */
import { mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { connect } from 'node:net';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { JsonTraceSerializer, ProtobufTraceSerializer } from '@opentelemetry/otlp-transformer';
import { request } from 'undici';
import { describe, expect, onTestFinished } from 'vitest';
import { startAuditGateway, type AuditGatewayOptions } from '../../src/gateway/audit-gateway.js';
import { jsonlFile, verifyTrailSource, withSession, withToolCall } from '../../src/index.js';
import { heldBackend } from '../support/held-backend.js';
import { it } from '../support/audit-test.js';
import { FAST_RETRY, freshSpoolDir, type TestTracing } from '../support/tracing.js';

async function startGateway(options: AuditGatewayOptions = {}) {
  const backend = heldBackend();
  const spoolDir = freshSpoolDir();
  const gateway = await startAuditGateway({ host: '127.0.0.1', port: 0, backends: [backend], ...FAST_RETRY, spoolDir, shutdownTimeoutMillis: 1_000, ...options });
  onTestFinished(async () => {
    backend.release();
    await gateway.close();
  });
  return { gateway, spoolDir, backend };
}

/** Every byte of the spool's segment files. */
function spoolBytes(dir: string): string {
  const out: string[] = [];
  const walk = (path: string): void => {
    for (const entry of readdirSync(path, { withFileTypes: true })) {
      if (entry.isDirectory()) walk(join(path, entry.name));
      else if (entry.name.startsWith('segment-')) out.push(readFileSync(join(path, entry.name), 'latin1'));
    }
  };
  walk(dir);
  return out.join('');
}

async function recordedSession(tracing: TestTracing): Promise<Buffer> {
  await withSession({ sessionId: 'sess-server', agentName: 'bot' }, () => withToolCall('lookup', { id: 1 }, () => 'ok'));
  return Buffer.from(ProtobufTraceSerializer.serializeRequest(tracing.memory.getFinishedSpans()) as Uint8Array);
}

/** A protobuf request of `count` tool calls, each an event of about 5.5 KB. */
function toolCallsRequest(tracing: TestTracing, from: number, count: number): Buffer {
  tracing.memory.reset();
  for (let i = from; i < from + count; i++) withToolCall(`tool_${i}`, { pad: 'x'.repeat(5_000) }, () => 'ok');
  return Buffer.from(ProtobufTraceSerializer.serializeRequest(tracing.memory.getFinishedSpans()) as Uint8Array);
}

async function post(url: string, body: Buffer | string, headers: Record<string, string>) {
  const reply = await request(`${url}/v1/traces`, { method: 'POST', body, headers });
  const bytes = Buffer.from(await reply.body.arrayBuffer());
  return { status: reply.statusCode, headers: reply.headers, bytes, json: () => JSON.parse(bytes.toString('utf8')) as { code: number; message: string } };
}

describe('startAuditGateway', () => {
  it('answers 200 with an empty protobuf response once the events are in the spool on disk', async ({ tracing }) => {
    const { gateway, spoolDir } = await startGateway();
    const body = await recordedSession(tracing);
    const traceId = tracing.memory.getFinishedSpans()[0]!.spanContext().traceId;

    const reply = await post(gateway.url, gzipSync(body), { 'content-type': 'application/x-protobuf', 'content-encoding': 'gzip' });

    expect(reply.status).toBe(200);
    expect(reply.headers['content-type']).toBe('application/x-protobuf');
    expect(reply.bytes.length).toBe(0);
    // session.start, tool_call, session.end: each id is on disk, though no backend has taken any.
    const onDisk = spoolBytes(spoolDir);
    expect(onDisk.split(`"id":"${traceId}-`).length - 1).toBe(3);
  });

  it('answers 503 with Retry-After when the spool cannot write the events, so the exporter retries', async ({ tracing }) => {
    const { gateway, spoolDir } = await startGateway();
    // A directory where the spool's first segment file goes: its write fails (EISDIR), for root too.
    const service = join(spoolDir, 'otel-agent-audit-gateway');
    const slot = readdirSync(service).map((name) => join(service, name)).find((dir) => readdirSync(dir).includes('lock'))!;
    mkdirSync(join(slot, 'segment-0000000000.log'));

    const reply = await post(gateway.url, await recordedSession(tracing), { 'content-type': 'application/x-protobuf' });

    expect(reply.status).toBe(503);
    expect(reply.headers['retry-after']).toBe('5');
    expect(reply.headers['content-type']).toBe('application/x-protobuf');
    expect(gateway.stats().spool?.writeFailures).toBe(1);
  });

  it('with tamper evidence on (as users get it), writes a trail that verifies: chained, and closed at shutdown', async ({ tracing }) => {
    const file = join(freshSpoolDir(), 'trail.jsonl');
    const gateway = await startAuditGateway({ host: '127.0.0.1', port: 0, backends: [jsonlFile({ path: file })], ...FAST_RETRY, spoolDir: freshSpoolDir(), integrity: {} });
    onTestFinished(() => gateway.close());

    const reply = await post(gateway.url, await recordedSession(tracing), { 'content-type': 'application/x-protobuf' });
    await gateway.close();

    expect(reply.status).toBe(200);
    // session.start, tool_call, session.end, and the stream's signed close.
    expect(await verifyTrailSource(file)).toMatchObject({ ok: true, events: 4, streams: [{ ok: true, tail: 'closed', firstSequence: 1, lastSequence: 4 }] });
  });

  it('answers an empty JSON response ({}) to a JSON request', async ({ tracing }) => {
    const { gateway } = await startGateway();
    await withToolCall('lookup', { id: 1 }, () => 'ok');
    const json = JsonTraceSerializer.serializeRequest(tracing.memory.getFinishedSpans()) as Uint8Array;

    const reply = await post(gateway.url, Buffer.from(json), { 'content-type': 'application/json' });

    expect(reply.status).toBe(200);
    expect(reply.json()).toEqual({});
  });

  it('refuses what is no OTLP request with the status OTLP/HTTP asks for and the reason', async () => {
    const { gateway } = await startGateway({ maxBodyBytes: 1024 });

    const wrongType = await post(gateway.url, 'hello', { 'content-type': 'text/plain' });
    const undecodable = await post(gateway.url, '{"resourceSpans": 5}', { 'content-type': 'application/json' });
    const tooLarge = await post(gateway.url, Buffer.alloc(2048, 0x20), { 'content-type': 'application/json' });
    const get = await request(`${gateway.url}/v1/traces`);
    const unknown = await request(`${gateway.url}/v1/metrics`, { method: 'POST', body: '{}', headers: { 'content-type': 'application/json' } });

    expect(wrongType.status).toBe(415);
    expect(undecodable.status).toBe(400);
    expect(undecodable.json()).toEqual({ code: 3, message: 'request.resourceSpans must be an array' });
    expect(tooLarge.status).toBe(413);
    expect(tooLarge.json().message).toContain('limit of 1024 bytes');
    expect([get.statusCode, get.headers['allow']]).toEqual([405, 'POST']);
    expect(unknown.statusCode).toBe(404);
    await Promise.all([get.body.dump(), unknown.body.dump()]);
  });

  it('with an API key, refuses a request without it (401) and takes one with it', async ({ tracing }) => {
    const { gateway } = await startGateway({ apiKey: 'gw-key' });
    const body = await recordedSession(tracing);

    const without = await post(gateway.url, body, { 'content-type': 'application/x-protobuf' });
    const wrong = await post(gateway.url, body, { 'content-type': 'application/x-protobuf', authorization: 'Bearer nope' });
    const right = await post(gateway.url, body, { 'content-type': 'application/x-protobuf', authorization: 'Bearer gw-key' });

    expect([without.status, wrong.status, right.status]).toEqual([401, 401, 200]);
    expect(without.headers['www-authenticate']).toBe('Bearer');
    // The google.rpc.Status comes in the request's encoding: protobuf here (field 2, the message, is readable in the bytes).
    expect(without.headers['content-type']).toBe('application/x-protobuf');
    expect(without.bytes.toString('latin1')).toContain('missing Authorization header');
    expect(wrong.bytes.toString('latin1')).not.toContain('nope');
  });

  it('without an API key on loopback, refuses spans addressed to another host name (a DNS-rebound page) with 403', async ({ tracing }) => {
    const { gateway } = await startGateway();
    const body = await recordedSession(tracing);

    // The connection still goes to 127.0.0.1; only the Host header names another site.
    const rebound = await post(gateway.url, body, { 'content-type': 'application/x-protobuf', host: 'rebound.invalid:4318' });
    const local = await post(gateway.url, body, { 'content-type': 'application/x-protobuf', host: `localhost:${gateway.port}` });

    expect([rebound.status, local.status]).toEqual([403, 200]);
    expect(rebound.bytes.toString('latin1')).toContain("Host 'rebound.invalid:4318': this gateway has no API key");
    // Only the local request's spans were taken.
    expect(gateway.stats().spansReceived).toBe(tracing.memory.getFinishedSpans().length);
  });

  it('refuses spans with 429 and Retry-After while a backend is far behind, says so at /readyz and counts it in /metrics', async ({ tracing }) => {
    const { gateway } = await startGateway({ maxBacklogEvents: 2, retryAfterSeconds: 3 });
    const body = await recordedSession(tracing);

    const first = await post(gateway.url, body, { 'content-type': 'application/x-protobuf' });
    const second = await post(gateway.url, body, { 'content-type': 'application/json' });
    const ready = await request(`${gateway.url}/readyz`);
    const metrics = await request(`${gateway.url}/metrics`);
    const text = await metrics.body.text();

    expect(first.status).toBe(200);
    expect(second.status).toBe(429);
    expect(second.headers['retry-after']).toBe('3');
    expect(second.json().message).toBe('not taking spans now: backend held is 3 events behind (maxBacklogEvents 2)');
    expect(ready.statusCode).toBe(503);
    // Served without the key: whether, not why.
    expect(await ready.body.text()).toBe('busy\n');
    expect(metrics.headers['content-type']).toBe('text/plain; version=0.0.4; charset=utf-8');
    expect(text).toContain('otel_agent_audit_gateway_requests_total{route="/v1/traces",status="429"} 1\n');
    expect(text).toContain('otel_agent_audit_gateway_spans_received_total 2\n');
  });

  it('answers 503 with Retry-After, spooling nothing, when a request would make the spool push out events its backend has not taken; takes the retry once it caught up', async ({ tracing }) => {
    // 8 segments of 64 KiB; requests are taken up to 90% of it. Never 429: only the spool's room decides here.
    const { gateway, spoolDir, backend } = await startGateway({ spoolMaxBytes: 512 * 1024, maxBacklogEvents: 1_000_000, retryAfterSeconds: 2 });
    const first = toolCallsRequest(tracing, 0, 50); // ~280 KB of events: taken
    const second = toolCallsRequest(tracing, 50, 50); // as much again: let in (the spool is below 90%), then refused by its size
    const secondIds = tracing.memory.getFinishedSpans().map((s) => `${s.spanContext().traceId}-${s.spanContext().spanId}-tool_call`);
    const headers = { 'content-type': 'application/x-protobuf' };

    const taken = await post(gateway.url, first, headers);
    const appended = gateway.stats().spool!.appended;
    const refused = await post(gateway.url, second, headers);

    expect([taken.status, refused.status]).toEqual([200, 503]);
    expect(refused.headers['retry-after']).toBe('2');
    expect(refused.bytes.toString('latin1')).toMatch(/not taking spans now: the spool has no room for the 50 events of these 50 spans \(\d+ bytes\) while its backends are behind: it holds \d+ bytes and takes requests up to 471859 bytes, 90% of spoolMaxBytes 524288/);
    expect(gateway.stats()).toMatchObject({ eventsConverted: 50, spool: { appended }, backends: { held: { dropped: 0 } } });
    expect(secondIds.some((id) => spoolBytes(spoolDir).includes(id))).toBe(false);

    backend.release();
    await expect.poll(() => gateway.stats().backends['held']!.delivered, { timeout: 5_000 }).toBe(50);
    const retried = await post(gateway.url, second, headers);

    expect(retried.status).toBe(200);
    expect(gateway.stats()).toMatchObject({ eventsConverted: 100, backends: { held: { dropped: 0, failed: 0 } } });
    const metrics = await (await request(`${gateway.url}/metrics`)).body.text();
    expect(metrics).toContain('otel_agent_audit_gateway_requests_total{route="/v1/traces",status="503"} 1\n');
  });

  it('answers 413 to a request whose events alone are more than the spool takes at once, naming what to change', async ({ tracing }) => {
    const { gateway } = await startGateway({ spoolMaxBytes: 128 * 1024 });

    const reply = await post(gateway.url, toolCallsRequest(tracing, 0, 30), { 'content-type': 'application/x-protobuf' });

    expect(reply.status).toBe(413);
    expect(reply.bytes.toString('latin1')).toMatch(/the 30 events of these 30 spans take \d+ bytes in the spool, more than it takes at once \(117964 bytes, 90% of spoolMaxBytes 131072\); export smaller batches/);
    expect(gateway.stats().spool!.appended).toBe(0);
  });

  it('answers 408 and closes a connection whose headers do not arrive in time (slowloris)', async () => {
    const { gateway } = await startGateway({ headersTimeoutMillis: 200, requestTimeoutMillis: 400 });
    const socket = connect(gateway.port, '127.0.0.1');
    socket.write('POST /v1/traces HTTP/1.1\r\nHost: 127.0.0.1\r\n');

    const answer = await new Promise<string>((resolve) => {
      let text = '';
      socket.on('data', (chunk) => (text += String(chunk)));
      socket.on('close', () => resolve(text));
    });

    expect(answer).toMatch(/^HTTP\/1\.1 408 /);
  });

  it('says it is healthy and ready while running', async () => {
    const { gateway } = await startGateway();

    const health = await request(`${gateway.url}/healthz`);
    const ready = await request(`${gateway.url}/readyz`);

    expect([health.statusCode, ready.statusCode]).toEqual([200, 200]);
    await Promise.all([health.body.dump(), ready.body.dump()]);
  });
});
