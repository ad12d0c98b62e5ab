/**
 * `setupAudit` reads OTEL_TRACES_EXPORTER as the SDK does for what goes
 * beside the audit export: `none` turns OTLP off even with an endpoint set,
 * `otlp` / `console` turn those on. A separate process each time: the
 * environment is read once per process.
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { describe, expect } from 'vitest';
import { it } from '../support/audit-test.js';
import { childEnv } from '../support/child-env.js';

const run = promisify(execFile);

const APP = `
  import { setupAudit, withToolCall } from 'otel-agent-audit';
  const audit = setupAudit({ serviceName: 'exporters', backends: [] });
  await withToolCall('lookup_order', { orderId: 42 }, () => 'shipped');
  await audit.shutdown();`;

async function runApp(env: Record<string, string>): Promise<{ stdout: string; stderr: string }> {
  const base = childEnv();
  for (const key of Object.keys(base)) if (key.startsWith('OTEL_TRACES_EXPORTER') || key.startsWith('OTEL_EXPORTER_OTLP')) delete base[key];
  return run(process.execPath, ['--input-type=module', '-e', APP], { cwd: new URL('../../', import.meta.url), env: { ...base, ...env } });
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
