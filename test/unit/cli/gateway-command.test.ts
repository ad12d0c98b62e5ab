// `gateway` for real, in-process: it listens on 127.0.0.1:0, takes an OTLP/JSON
// request from the real serializer, and delivers to the backend the
// environment names (as the library reads it); an AbortSignal stands in for Ctrl+C.
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client, credentials, Metadata, status, type ServiceError } from '@grpc/grpc-js';
import { JsonTraceSerializer } from '@opentelemetry/otlp-transformer';
import { request } from 'undici';
import { describe, expect } from 'vitest';
import { GATEWAY_USAGE } from '../../../src/cli/gateway-command.js';
import { runCli } from '../../../src/cli/run-cli.js';
import { withToolCall } from '../../../src/index.js';
import { it } from '../../support/audit-test.js';
import { captureIo } from './cli-streams.js';

// Read once per process, at the gateway's first start: this file's process is its own (vitest forks).
const trail = join(mkdtempSync(join(tmpdir(), 'gateway-cli-')), 'trail.jsonl');
process.env['OTEL_AGENT_AUDIT_BACKENDS'] = 'jsonl';
process.env['OTEL_AGENT_AUDIT_JSONL_FILE'] = trail;
process.env['OTEL_AGENT_AUDIT_ANNOUNCE_DELIVERY'] = 'false';

async function startGateway(args: string[], env: Record<string, string> = {}) {
  const controller = new AbortController();
  const io = { ...captureIo(controller.signal), env };
  const exit = runCli(['gateway', ...args], io);
  const failed = exit.then((code) => Promise.reject(new Error(`gateway exited ${code} before listening: ${io.stderr.text}`)));
  const [, url] = await Promise.race([io.stdout.waitFor(/listening on (http:\/\/\S+)/), failed]);
  return { url: url!, io, stop: () => (controller.abort(), exit) };
}

describe('gateway', () => {
  it('binds 127.0.0.1, takes OTLP from an app, delivers to the backends the environment names, and stops cleanly', async ({ tracing }) => {
    await withToolCall('lookup_order', { orderId: 42 }, () => 'shipped');
    const body = Buffer.from(JsonTraceSerializer.serializeRequest(tracing.memory.getFinishedSpans()) as Uint8Array);
    const gateway = await startGateway(['--port', '0']);
    expect(gateway.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);

    const reply = await request(`${gateway.url}/v1/traces`, { method: 'POST', body, headers: { 'content-type': 'application/json' } });
    await reply.body.dump();

    expect(reply.statusCode).toBe(200);
    expect(await gateway.stop()).toBe(0);
    expect(gateway.io.stdout.text).toMatch(/otel-agent-audit gateway stopped\n$/);
    const events = readFileSync(trail, 'utf8').trim().split('\n').map((line) => JSON.parse(line) as { type: string; payload: Record<string, unknown> });
    expect(events.map((e) => [e.type, e.payload['tool_name']])).toContainEqual(['tool_call', 'lookup_order']);
  });

  it('with --api-key, refuses a request without the key', async () => {
    const gateway = await startGateway(['--port', '0', '--api-key', 'gw-key']);

    const reply = await request(`${gateway.url}/v1/traces`, { method: 'POST', body: '{}', headers: { 'content-type': 'application/json' } });
    await reply.body.dump();

    expect(reply.statusCode).toBe(401);
    expect(await gateway.stop()).toBe(0);
  });

  it('with --grpc-port, takes OTLP/gRPC too; the API key can come from OTEL_AGENT_AUDIT_GATEWAY_API_KEY and then guards both', async () => {
    const gateway = await startGateway(['--port', '0', '--grpc-port', '0'], { OTEL_AGENT_AUDIT_GATEWAY_API_KEY: 'env-gw-key' });
    const [, grpcAddress] = /, and on (127\.0\.0\.1:\d+) \(OTLP\/gRPC\)/.exec(gateway.io.stdout.text) ?? [];
    expect(grpcAddress).toBeDefined();

    const withoutKey = await request(`${gateway.url}/v1/traces`, { method: 'POST', body: '{}', headers: { 'content-type': 'application/json' } });
    await withoutKey.body.dump();
    const withKey = await request(`${gateway.url}/v1/traces`, { method: 'POST', body: '{}', headers: { 'content-type': 'application/json', authorization: 'Bearer env-gw-key' } });
    await withKey.body.dump();
    const client = new Client(grpcAddress!, credentials.createInsecure());
    const grpcError = await new Promise<ServiceError | null>((resolve) => {
      const bytes = (value: Buffer) => value;
      client.makeUnaryRequest('/opentelemetry.proto.collector.trace.v1.TraceService/Export', bytes, bytes, Buffer.alloc(0), new Metadata(), (error) => resolve(error));
    });
    client.close();

    expect([withoutKey.statusCode, withKey.statusCode]).toEqual([401, 200]);
    expect(grpcError?.code).toBe(status.UNAUTHENTICATED);
    expect(gateway.io.stdout.text + gateway.io.stderr.text).not.toContain('env-gw-key');
    expect(await gateway.stop()).toBe(0);
  });

  it('names a bad --port and exits 2; documents its flags', async () => {
    const io = captureIo();

    expect(await runCli(['gateway', '--port', '70000'], io)).toBe(2);
    expect(io.stderr.text).toContain("otel-agent-audit gateway: --port must be an integer from 0 to 65535, got '70000'");
    expect(await runCli(['gateway', '--grpc-port', 'x'], io)).toBe(2);
    expect(io.stderr.text).toContain("--grpc-port must be an integer from 0 to 65535, got 'x'");
    for (const flag of ['--port', '--grpc-port', '--host', '--api-key', 'OTEL_AGENT_AUDIT_GATEWAY_API_KEY']) expect(GATEWAY_USAGE).toContain(flag);
    expect(GATEWAY_USAGE).toContain('OTEL_AGENT_AUDIT_');
  });
});
