/**
 * Backends chosen by environment alone: an app that attaches the audit span
 * processor to its own tracer provider (as with NodeSDK) and passes no
 * backends gets the ones OTEL_AGENT_AUDIT_BACKENDS names, each configured
 * from its own variables. A separate process each time: the environment is
 * read once per process.
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

// What a NodeSDK app adds: one processor, no options.
const APP = `
  import { NodeTracerProvider } from '@opentelemetry/sdk-trace-node';
  import { auditSpanProcessor, withSession, withToolCall } from 'otel-agent-audit';
  const audit = auditSpanProcessor();
  const provider = new NodeTracerProvider({ spanProcessors: [audit] });
  provider.register();
  await withSession({ agentName: 'env-bot' }, () => withToolCall('lookup_order', { orderId: 42 }, () => 1));
  await provider.shutdown();
  console.log(JSON.stringify(Object.keys(audit.stats().backends)));`;

async function runApp(env: Record<string, string>): Promise<{ stdout: string; stderr: string }> {
  const base = childEnv();
  for (const key of Object.keys(base)) if (key.startsWith('OTEL_AGENT_AUDIT_BACKENDS') || key.startsWith('SECUREAGENTICS_')) delete base[key];
  return run(process.execPath, ['--input-type=module', '-e', APP], { cwd: new URL('../../', import.meta.url), env: { ...base, ...env } });
}

describe('OTEL_AGENT_AUDIT_BACKENDS', () => {
  it('delivers to a JSONL file and to Secureagentics, configured by env only', async ({ secureagenticsServer: server }) => {
    const file = join(mkdtempSync(join(tmpdir(), 'env-backends-')), 'trail.jsonl');
    const { stdout } = await runApp({
      OTEL_AGENT_AUDIT_BACKENDS: 'jsonl, secureagentics',
      OTEL_AGENT_AUDIT_JSONL_FILE: file,
      SECUREAGENTICS_API_KEY: server.apiKey,
      SECUREAGENTICS_BASE_URL: server.url,
      SECUREAGENTICS_AGENT_NAME: 'env-bot',
    });
    expect(JSON.parse(stdout.trim().split('\n').at(-1)!)).toEqual(['jsonl-file', 'secureagentics']);
    const lines = readFileSync(file, 'utf8').trim().split('\n').map((line) => JSON.parse(line) as { type: string; payload: Record<string, unknown> });
    const tool = lines.find((line) => line.type === 'tool_call');
    expect(tool?.payload).toMatchObject({ tool_name: 'lookup_order', arguments: { orderId: 42 }, result: 1 });
    expect(server.allEvents().map((e) => e.type).sort()).toEqual(lines.map((line) => line.type).sort());
  });

  it('sends nowhere with none', async () => {
    const { stdout } = await runApp({ OTEL_AGENT_AUDIT_BACKENDS: 'none' });
    expect(stdout.trim().split('\n').at(-1)).toBe('[]');
  });

  it('warns once, naming the variable and the names it takes, and keeps the default for an unknown name', async ({ secureagenticsServer: server }) => {
    const { stdout, stderr } = await runApp({ OTEL_AGENT_AUDIT_BACKENDS: 'jsonl,splunk', SECUREAGENTICS_API_KEY: server.apiKey, SECUREAGENTICS_BASE_URL: server.url });
    expect(stdout.trim().split('\n').at(-1)).toBe('["secureagentics"]');
    const warnings = stderr.split('\n').filter((line) => line.includes('OTEL_AGENT_AUDIT_BACKENDS'));
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toContain('secureagentics, agentops, agenticaudit, agentsudo, jsonl');
  });
});
