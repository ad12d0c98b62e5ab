/**
 * `setupAudit` reads OTEL_TRACES_EXPORTER as the SDK does for what goes
 * beside the audit export: `none` turns OTLP off even with an endpoint set,
 * `otlp` / `console` turn those on; OTEL_EXPORTER_OTLP_(TRACES_)PROTOCOL
 * picks the encoding; OTEL_SDK_DISABLED builds nothing. A separate process
 * each time: the environment is read once per process.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { describe, expect } from 'vitest';
import { it } from '../support/audit-test.js';
import { childEnv } from '../support/child-env.js';
import { freshSpoolDir } from '../support/tracing.js';

const run = promisify(execFile);

const APP = `
  import { setupAudit, withToolCall } from 'otel-agent-audit';
  const audit = setupAudit({ serviceName: 'exporters', backends: [] });
  await withToolCall('lookup_order', { orderId: 42 }, () => 'shipped');
  await audit.shutdown();`;

// Configured by env alone: backends, OTLP and all.
const ENV_ONLY_APP = `
  import { trace } from '@opentelemetry/api';
  import { setupAudit, withToolCall } from 'otel-agent-audit';
  const audit = setupAudit({ serviceName: 'disabled' });
  await withToolCall('lookup_order', { orderId: 42 }, () => 'shipped');
  const span = trace.getTracer('app').startSpan('app.work');
  console.log(JSON.stringify({ registered: audit.registered, recording: span.isRecording(), stats: audit.stats() }));
  span.end();
  await audit.shutdown();`;

async function runApp(env: Record<string, string>, app = APP): Promise<{ stdout: string; stderr: string }> {
  const base = childEnv();
  for (const key of Object.keys(base)) if (/^OTEL_(TRACES_EXPORTER|EXPORTER_OTLP|SDK_DISABLED|AGENT_AUDIT_BACKENDS)/.test(key)) delete base[key];
  return run(process.execPath, ['--input-type=module', '-e', app], { cwd: new URL('../../', import.meta.url), env: { ...base, ...env } });
}

describe('OTEL_TRACES_EXPORTER in setupAudit', () => {
  it('none: no OTLP export, though an endpoint is set', async ({ otlpSink: sink }) => {
    await runApp({ OTEL_TRACES_EXPORTER: 'none', OTEL_EXPORTER_OTLP_ENDPOINT: sink.url });
    expect(sink.spans()).toEqual([]);
  });

  it('otlp: the spans go to the endpoint; unset, an endpoint alone turns it on', async ({ otlpSink: sink }) => {
    await runApp({ OTEL_TRACES_EXPORTER: 'otlp', OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: `${sink.url}/v1/traces` });
    await runApp({ OTEL_EXPORTER_OTLP_ENDPOINT: sink.url });
    expect(sink.spans().map((s) => s.name)).toEqual(['execute_tool lookup_order', 'execute_tool lookup_order']);
  });

  it('console: the spans are printed', async () => {
    const { stdout } = await runApp({ OTEL_TRACES_EXPORTER: 'console' });
    expect(stdout).toContain("name: 'execute_tool lookup_order'");
  });

  it('an exporter it cannot build is warned about once, naming the variable, and treated as unset', async ({ otlpSink: sink }) => {
    const { stderr } = await runApp({ OTEL_TRACES_EXPORTER: 'zipkin', OTEL_EXPORTER_OTLP_ENDPOINT: sink.url });
    const warnings = stderr.split('\n').filter((line) => line.includes('OTEL_TRACES_EXPORTER'));
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toContain('otlp, console');
    expect(sink.spans().map((s) => s.name)).toEqual(['execute_tool lookup_order']);
  });
});

describe('OTEL_EXPORTER_OTLP_PROTOCOL in setupAudit', () => {
  it('unset: http/protobuf, the SDK default; http/json when set; the traces-specific variable wins', async ({ otlpSink: sink }) => {
    await runApp({ OTEL_EXPORTER_OTLP_ENDPOINT: sink.url });
    await runApp({ OTEL_EXPORTER_OTLP_ENDPOINT: sink.url, OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json' });
    await runApp({ OTEL_EXPORTER_OTLP_ENDPOINT: sink.url, OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json', OTEL_EXPORTER_OTLP_TRACES_PROTOCOL: 'http/protobuf' });

    expect(sink.encodings).toEqual(['protobuf', 'json', 'protobuf']);
    expect(sink.spans().map((s) => s.name)).toEqual(Array(3).fill('execute_tool lookup_order'));
  });

  it('grpc is warned about once, naming the variable and what to do, and the default is used', async ({ otlpSink: sink }) => {
    const { stderr } = await runApp({ OTEL_EXPORTER_OTLP_ENDPOINT: sink.url, OTEL_EXPORTER_OTLP_PROTOCOL: 'grpc' });
    const warnings = stderr.split('\n').filter((line) => line.includes('OTEL_EXPORTER_OTLP_PROTOCOL'));
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toContain("'http/protobuf' or 'http/json'");
    expect(warnings[0]).toContain('NodeSDK');
    expect(sink.encodings).toEqual(['protobuf']);
  });
});

describe('OTEL_SDK_DISABLED in setupAudit', () => {
  it('true: nothing is registered, recorded, exported or written, and the app runs on', async ({ otlpSink: sink }) => {
    const trail = join(freshSpoolDir(), 'trail.jsonl');
    const env = { OTEL_EXPORTER_OTLP_ENDPOINT: sink.url, OTEL_AGENT_AUDIT_BACKENDS: 'jsonl', OTEL_AGENT_AUDIT_JSONL_FILE: trail };

    const disabled = await runApp({ ...env, OTEL_SDK_DISABLED: 'true' }, ENV_ONLY_APP);

    expect(JSON.parse(disabled.stdout)).toEqual({ registered: false, recording: false, stats: { eventsConverted: 0, spansQueued: 0, spansDropped: 0, backends: {} } });
    expect(existsSync(trail)).toBe(false);
    expect(sink.requestCount).toBe(0);
    expect(disabled.stderr).toBe('');
  });

  it('false (or unset): the same app is audited and exported', async ({ otlpSink: sink }) => {
    const trail = join(freshSpoolDir(), 'trail.jsonl');
    const env = { OTEL_EXPORTER_OTLP_ENDPOINT: sink.url, OTEL_AGENT_AUDIT_BACKENDS: 'jsonl', OTEL_AGENT_AUDIT_JSONL_FILE: trail };

    const enabled = await runApp({ ...env, OTEL_SDK_DISABLED: 'false' }, ENV_ONLY_APP);

    expect(JSON.parse(enabled.stdout)).toMatchObject({ registered: true, recording: true });
    expect(existsSync(trail)).toBe(true);
    expect(sink.spans().map((s) => s.name).sort()).toEqual(['app.work', 'execute_tool lookup_order']);
  });
});
