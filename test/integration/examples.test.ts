import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startOtlpSink, type OtlpSink } from '../servers/otlp-sink.js';
import { startSecureagenticsServer, type SecureagenticsTestServer } from '../servers/secureagentics-server.js';

const run = promisify(execFile);
const root = new URL('../../', import.meta.url);
let server: SecureagenticsTestServer;
let sink: OtlpSink;

beforeEach(async () => {
  [server, sink] = await Promise.all([startSecureagenticsServer(), startOtlpSink()]);
});
afterEach(async () => {
  await Promise.all([server.close(), sink.close()]);
});

function runExample(script: string, env: Record<string, string> = {}) {
  const clean = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('OTEL_') && !k.startsWith('SECUREAGENTICS_')));
  return run(process.execPath, [script], {
    cwd: root,
    env: { ...clean, SECUREAGENTICS_API_KEY: server.apiKey, SECUREAGENTICS_BASE_URL: server.url, ...env },
  });
}

// The examples load the built package by name: `npm test` builds first.
describe('examples', () => {
  it('quickstart delivers its session to the audit API', async () => {
    const { stdout } = await runExample('examples/quickstart.mjs');
    expect(stdout).toContain('You said: Forecast:');
    expect(server.allEvents().map((e) => e.type)).toEqual(['custom', 'tool_call', 'prompt', 'completion', 'custom']);
  });

  it('existing-nodesdk audits beside the app’s OTLP export', async () => {
    await runExample('examples/existing-nodesdk.mjs', { OTEL_EXPORTER_OTLP_ENDPOINT: sink.url });
    expect(server.allEvents().map((e) => [e.type, e.payload.agent_name])).toEqual([
      ['custom', 'billing-agent'],
      ['prompt', 'billing-agent'],
      ['completion', 'billing-agent'],
      ['custom', 'billing-agent'],
    ]);
    expect(server.allEvents()[2]!.payload).toMatchObject({ response: 'Invoice 7: 3 items, 120 EUR, paid.', token_count: 11 });
    const db = sink.spans().find((s) => s.name === 'SELECT invoices')!;
    expect(db.attributes['gen_ai.conversation.id']).toBe(server.allEvents()[0]!.payload.session_id);
    expect(sink.spans()).toHaveLength(3);
  });

  it('the demo prints the audit trail with its policy results', async () => {
    const { stdout } = await runExample('examples/demo.mjs');
    expect(stdout).toMatch(/Audit trail: 18 events in 2 sessions/);
    expect(stdout).toMatch(/tool_call\s+delete_customer .*BLOCK: tool\.denylist/);
    expect(stdout).toMatch(/error\s+Error: SMS gateway timed out/);
    expect(stdout).toMatch(/FLAG: pii\.email/);
    expect(stdout).toMatch(/FLAG: secret\.api_key/);
    expect(stdout).toContain('Delivery: 18 delivered, 0 failed, 0 dropped, 0 retries.');
  });
});
