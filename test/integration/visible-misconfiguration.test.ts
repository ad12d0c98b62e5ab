/**
 * What a user sees with no logging set up, on both ways of attaching: through
 * `setupAudit`, and through `NodeSDK` with the audit span processor (where
 * diag prints nothing without OTEL_LOG_LEVEL). Each misconfiguration makes
 * exactly one visible warning naming what to fix; a working setup says once
 * per backend that export works, and nothing else. Every app is configured by
 * env only, in a process of its own (the environment is read once per process).
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect } from 'vitest';
import { it } from '../support/audit-test.js';
import { childEnv } from '../support/child-env.js';

const run = promisify(execFile);

const ACTIVITY = `await withSession({ agentName: 'bot' }, () => withToolCall('lookup_order', { orderId: 42 }, () => 1));`;

const APPS = {
  setupAudit: `
    import { setupAudit, withSession, withToolCall } from 'otel-agent-audit';
    const audit = setupAudit({ serviceName: 'misconfigured' });
    ${ACTIVITY}
    await audit.shutdown();`,
  NodeSDK: `
    import { NodeSDK } from '@opentelemetry/sdk-node';
    import { auditSpanProcessor, withSession, withToolCall } from 'otel-agent-audit';
    const sdk = new NodeSDK({ serviceName: 'misconfigured', spanProcessors: [auditSpanProcessor()] });
    sdk.start();
    ${ACTIVITY}
    await sdk.shutdown();`,
};
const PATHS = Object.keys(APPS) as Array<keyof typeof APPS>;

interface Run {
  /** Process warnings of the package, as Node prints them; a first start's signing-key notice aside (spool-adoption tests cover it). */
  warnings: string[];
  /** The first-delivery lines. */
  announced: string[];
  stderr: string;
}

async function runApp(path: keyof typeof APPS, env: Record<string, string>): Promise<Run> {
  const base = childEnv();
  for (const key of Object.keys(base)) {
    if (/^(OTEL_|SECUREAGENTICS_|AGENTOPS_|AGENTAUDIT_|AGENTSUDO_)/.test(key) && key !== 'OTEL_AGENT_AUDIT_SPOOL_DIR') delete base[key];
  }
  // Nothing beside the audit export: the SDK's own OTLP default would address a collector that is not there.
  const quiet = { OTEL_TRACES_EXPORTER: 'none', OTEL_METRICS_EXPORTER: 'none', OTEL_LOGS_EXPORTER: 'none' };
  const { stderr } = await run(process.execPath, ['--input-type=module', '-e', APPS[path]], {
    cwd: new URL('../../', import.meta.url),
    env: { ...base, ...quiet, ...env },
    timeout: 30_000,
  });
  const lines = stderr.split('\n');
  return {
    warnings: lines.filter((line) => /^\(node:\d+\) \[OTEL_AGENT_AUDIT_/.test(line) && !line.includes('[OTEL_AGENT_AUDIT_SIGNING_KEY]')),
    announced: lines.filter((line) => line.includes('took its first batch')),
    stderr,
  };
}

const trailPath = (): string => join(mkdtempSync(join(tmpdir(), 'visible-misconfiguration-')), 'trail.jsonl');

describe.each(PATHS)('on the %s path, with no logger set up', (path) => {
  it('a wrong key: one warning naming the call and the variable to check, never the key', async ({ secureagenticsServer: server }) => {
    const { warnings, announced } = await runApp(path, { SECUREAGENTICS_API_KEY: 'sa_wrong_key_0123456789', SECUREAGENTICS_BASE_URL: server.url });
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(/\[OTEL_AGENT_AUDIT_DELIVERY\] Warning: secureagentics: 401 on POST \/v1\/agents .*Check SECUREAGENTICS_API_KEY \(or the apiKey option\)\./);
    expect(warnings[0]).not.toContain('sa_wrong_key_0123456789');
    expect(announced).toEqual([]);
  });

  it('a wrong URL (a path the service does not serve): one warning naming the base URL variable', async ({ secureagenticsServer: server }) => {
    const { warnings } = await runApp(path, { SECUREAGENTICS_API_KEY: server.apiKey, SECUREAGENTICS_BASE_URL: `${server.url}/api` });
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(/secureagentics: 404 on POST \/v1\/agents .*Check SECUREAGENTICS_BASE_URL \(or the baseUrl option\)/);
  });

  it('a URL nothing answers: one warning saying the events wait, and what to check', async () => {
    // Port 9 (discard) is closed on loopback here: the connection is refused at once.
    const { warnings } = await runApp(path, { SECUREAGENTICS_API_KEY: 'sa_key_0123456789', SECUREAGENTICS_BASE_URL: 'http://127.0.0.1:9' });
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toContain('secureagentics: cannot reach the service');
    expect(warnings[0]).toContain('ECONNREFUSED');
    expect(warnings[0]).toContain('events wait in the spool');
    expect(warnings[0]).toContain('baseUrl option');
  });

  it('an unwritable JSONL file: fails at once with one warning naming the path and the variable', async () => {
    const started = Date.now();
    const { warnings } = await runApp(path, { OTEL_AGENT_AUDIT_BACKENDS: 'jsonl', OTEL_AGENT_AUDIT_JSONL_FILE: '/proc/otel-agent-audit/trail.jsonl' });
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toContain('jsonl-file: could not append');
    expect(warnings[0]).toContain('/proc/otel-agent-audit/trail.jsonl');
    expect(warnings[0]).toContain('OTEL_AGENT_AUDIT_JSONL_FILE');
    // Node's recursive mkdir spins forever under /proc; a few seconds is ample for start, failure and exit.
    expect(Date.now() - started).toBeLessThan(15_000);
  });

  it('a bad env value: one warning naming the variable and the value used instead; delivery goes on', async () => {
    const trail = trailPath();
    const { warnings, announced } = await runApp(path, { OTEL_AGENT_AUDIT_BACKENDS: 'jsonl', OTEL_AGENT_AUDIT_JSONL_FILE: trail, OTEL_AGENT_AUDIT_MAX_QUEUE_SIZE: 'lots' });
    expect(warnings).toEqual([expect.stringContaining('[OTEL_AGENT_AUDIT_CONFIG] Warning: otel-agent-audit: OTEL_AGENT_AUDIT_MAX_QUEUE_SIZE="lots" is not a positive integer; using 20000 (the default).')]);
    expect(announced).toHaveLength(1);
    expect(readFileSync(trail, 'utf8')).toContain('lookup_order');
  });

  it('working: no warning, one line per backend at its first delivery; switched off by OTEL_AGENT_AUDIT_ANNOUNCE_DELIVERY=false', async ({ secureagenticsServer: server }) => {
    const env = { OTEL_AGENT_AUDIT_BACKENDS: 'jsonl,secureagentics', SECUREAGENTICS_API_KEY: server.apiKey, SECUREAGENTICS_BASE_URL: server.url };

    const shown = await runApp(path, { ...env, OTEL_AGENT_AUDIT_JSONL_FILE: trailPath() });
    const hidden = await runApp(path, { ...env, OTEL_AGENT_AUDIT_JSONL_FILE: trailPath(), OTEL_AGENT_AUDIT_ANNOUNCE_DELIVERY: 'false' });

    expect(shown.warnings).toEqual([]);
    expect(shown.announced.sort()).toEqual([
      expect.stringMatching(/^otel-agent-audit: jsonl-file took its first batch \(\d+ audit events?\); audit export works\. \(Set OTEL_AGENT_AUDIT_ANNOUNCE_DELIVERY=false to hide this line\.\)$/),
      expect.stringMatching(/^otel-agent-audit: secureagentics took its first batch/),
    ]);
    expect(hidden.warnings).toEqual([]);
    expect(hidden.announced).toEqual([]);
  });
});

describe('a NodeSDK app configured only by env', () => {
  it('delivers to a JSONL file and to the strict Secureagentics server, the same events to each', async ({ secureagenticsServer: server }) => {
    const trail = trailPath();
    const { warnings } = await runApp('NodeSDK', {
      OTEL_AGENT_AUDIT_BACKENDS: 'jsonl,secureagentics',
      OTEL_AGENT_AUDIT_JSONL_FILE: trail,
      SECUREAGENTICS_API_KEY: server.apiKey,
      SECUREAGENTICS_BASE_URL: server.url,
    });
    expect(warnings).toEqual([]);
    const lines = readFileSync(trail, 'utf8').trim().split('\n').map((line) => JSON.parse(line) as { type: string; payload: Record<string, unknown> });
    expect(lines.find((line) => line.type === 'tool_call')?.payload).toMatchObject({ tool_name: 'lookup_order', arguments: { orderId: 42 }, result: 1 });
    expect(server.allEvents().map((e) => e.type).sort()).toEqual(lines.map((line) => line.type).sort());
  });
});
