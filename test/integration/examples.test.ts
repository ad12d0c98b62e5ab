import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startOtlpSink, type OtlpSink } from '../servers/otlp-sink.js';
import { startSecureagenticsServer, type SecureagenticsTestServer } from '../servers/secureagentics-server.js';
import { freshSpoolDir } from '../support/tracing.js';

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
    // A spool folder of its own per run: an example must not deliver what an earlier run left.
    env: { ...clean, SECUREAGENTICS_API_KEY: server.apiKey, SECUREAGENTICS_BASE_URL: server.url, OTEL_AGENT_AUDIT_SPOOL_DIR: freshSpoolDir(), ...env },
  });
}

// The examples load the built package by name: `npm test` builds first.
describe('examples', () => {
  it('quickstart delivers its session to the audit API', async () => {
    const { stdout } = await runExample('examples/quickstart.mjs');
    expect(stdout).toContain('You said: Forecast:');
    // The last: the stream's signed close (the hash chain is on by default).
    expect(server.allEvents().map((e) => e.type)).toEqual(['custom', 'tool_call', 'prompt', 'completion', 'custom', 'custom']);
    expect(server.allEvents().at(-1)!.payload).toMatchObject({ name: 'audit.checkpoint', 'audit.checkpoint.kind': 'close' });
  });

  it('existing-nodesdk audits beside the app’s OTLP export', async () => {
    await runExample('examples/existing-nodesdk.mjs', { OTEL_EXPORTER_OTLP_ENDPOINT: sink.url });
    expect(server.allEvents().map((e) => [e.type, e.payload.agent_name])).toEqual([
      ['custom', 'billing-agent'],
      ['prompt', 'billing-agent'],
      ['completion', 'billing-agent'],
      ['custom', 'billing-agent'],
      ['custom', undefined], // the stream's signed close
    ]);
    expect(server.allEvents()[2]!.payload).toMatchObject({ response: 'Invoice 7: 3 items, 120 EUR, paid.', token_count: 11 });
    const db = sink.spans().find((s) => s.name === 'SELECT invoices')!;
    expect(db.attributes['gen_ai.conversation.id']).toBe(server.allEvents()[0]!.payload.session_id);
    expect(sink.spans()).toHaveLength(3);
  });

  it('instrumented-openai audits an agent on the instrumented openai client, content from log records included', async () => {
    const { stdout } = await runExample('examples/instrumented-openai.mjs');
    expect(stdout).toContain('Agent: It is 12 °C with light rain in Oslo.');
    expect(stdout).toContain('Audit trail: 8 events'); // the last: the stream's signed close
    expect(stdout).toMatch(/custom +audit\.checkpoint/);
    expect(stdout).toMatch(/prompt +gpt-4o-mini \(20 tokens\): user: What is the weather in Oslo\?/);
    expect(stdout).toMatch(/completion +gpt-4o-mini-2024-07-18 \(9 tokens\): \[tool_call get_weather\]/);
    // The trail holds the chained event as it was hashed: RFC 8785 canonical JSON, keys sorted.
    expect(stdout).toMatch(/tool_call +get_weather \{"city":"Oslo"\} → \{"celsius":12,"city":"Oslo","sky":"light rain"\}/);
    expect(stdout).toMatch(/completion +gpt-4o-mini-2024-07-18 \(14 tokens\): It is 12 °C with light rain in Oslo\./);
    expect(server.allEvents()).toEqual([]); // its own in-process receiver, not the configured service
  });

  it('the demo prints the audit trail with its policy results', async () => {
    const { stdout } = await runExample('examples/demo.mjs');
    // 19 exported in batches + the 3 tool calls put to the receiver before they ran.
    expect(stdout).toMatch(/Audit trail: 22 events in 2 sessions, 1 signed checkpoint/);
    // Every number accounted for: what was delivered, what the gate asked, what verify skips.
    expect(stdout).toContain('19 recorded by the exporter + 3 tool calls the gate put to the receiver before they ran');
    expect(stdout).toContain('6 lines not chained events');
    expect(stdout).toContain('(not chained: 3 tool-gate requests and 3 agent registrations the receiver keeps in the same file)');
    expect(stdout).toContain("Blocked before it ran: delete_customer (tool 'delete_customer' is on the deny list)");
    expect(stdout).toMatch(/tool_call\s+delete_customer .*\(asked before running\)\s+BLOCK: tool\.denylist/);
    // error_type is the error's type name (AuditBlockedError); its code TOOL_BLOCKED is error_code.
    expect(stdout).toMatch(/error\s+AuditBlockedError: otel-agent-audit: tool 'delete_customer' was/);
    // The deciding receiver gets the finished call too (a chained trail sends every event everywhere unchanged).
    expect(stdout).toMatch(/tool_call\s+lookup_order \{"orderId":42\} → ok/);
    expect(stdout).toMatch(/error\s+Error: SMS gateway timed out/);
    // Redacted before anything left: the receiver's own secret and PII policies have nothing left to flag.
    expect(stdout).not.toMatch(/FLAG: (pii|secret)\./);
    expect(stdout).not.toContain('sk-demo');
    expect(stdout).not.toContain('jane.doe@example.com');
    expect(stdout).toMatch(/user: Where is order 42\? Text me at \[REDACTED:phone\]/);
    expect(stdout).toContain('The model\'s answer, as the receiver stored it: "I may not delete customers. The staging key is [REDACTED:openai_key]."');
    expect(stdout).toMatch(/Redacted before sending: .*\bopenai_key\b/);
    // 19 events and the stream's close; the gate's 3 pending tool calls are outside the chain.
    expect(stdout).toContain('Delivery: 20 delivered (19 events + 1 checkpoint), 0 failed, 0 dropped, 0 retries.');
    expect(stdout).toMatch(/tail closed — ok/);
    expect(stdout).toContain('verified: 20 events in 1 stream');
  });
});
