/**
 * Configuration failures met while delivering (a refused key, an unwritable
 * file) are said once per kind and backend, in full; the loss totals that
 * follow count them without repeating the diagnosis. Each backend runs
 * behind its real delivery queue and loss reporter, against its strict
 * loopback server.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { resolveDeliveryConfig } from '../../../src/config/resolve.js';
import { BackendPipeline } from '../../../src/deliver/backend-pipeline.js';
import { agenticAudit, agentops, agentSudo, jsonlFile, secureagentics, type AuditBackend, type AuditEvent } from '../../../src/index.js';
import { startAgenticAuditServer } from '../../servers/agentic-audit-server.js';
import { startAgentOpsServer } from '../../servers/agentops-server.js';
import { startAgentSudoServer } from '../../servers/agentsudo-server.js';
import { startSecureagenticsServer, type SecureagenticsTestServer } from '../../servers/secureagentics-server.js';
import { captureProcessWarnings } from '../../support/process-warnings.js';
import { captureDiag, resetOtelGlobals } from '../../support/tracing.js';

const WRONG_KEY = 'wrong-key-0123456789';

interface Server {
  url: string;
  apiKey: string;
  close(): Promise<void>;
}

interface Vendor {
  name: string;
  keyVariable: string;
  start(): Promise<Server>;
  backend(server: Server, apiKey: string): AuditBackend;
}

const VENDORS: Vendor[] = [
  {
    name: 'secureagentics',
    keyVariable: 'SECUREAGENTICS_API_KEY',
    start: startSecureagenticsServer,
    backend: (server, apiKey) => secureagentics({ baseUrl: server.url, apiKey, agentId: (server as SecureagenticsTestServer).addAgent('bot') }),
  },
  { name: 'agentops', keyVariable: 'AGENTOPS_API_KEY', start: startAgentOpsServer, backend: (server, apiKey) => agentops({ baseUrl: server.url, apiKey }) },
  { name: 'agentic-audit', keyVariable: 'AGENTAUDIT_KEY', start: startAgenticAuditServer, backend: (server, apiKey) => agenticAudit({ baseUrl: server.url, apiKey }) },
  { name: 'agentsudo', keyVariable: 'AGENTSUDO_API_KEY', start: startAgentSudoServer, backend: (server, apiKey) => agentSudo({ baseUrl: server.url, apiKey }) },
];

let closing: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const close of closing.reverse()) await close();
  closing = [];
  resetOtelGlobals();
});

const event = (n: number, agentName = 'bot'): AuditEvent => ({
  id: `trace${n}-span${n}-custom`,
  type: 'custom',
  traceId: `trace${n}`,
  spanId: `span${n}`,
  timestamp: '2026-11-22T10:00:00.000Z',
  agentName,
  payload: { name: 'step', data: { n } },
});

function pipelineOf(backend: AuditBackend): BackendPipeline {
  const pipeline = new BackendPipeline(backend, resolveDeliveryConfig({ maxAttempts: 2, initialBackoffMillis: 1, maxBackoffMillis: 1 }));
  closing.push(() => pipeline.shutdown());
  return pipeline;
}

async function started(vendor: Vendor): Promise<Server> {
  const server = await vendor.start();
  closing.push(() => server.close());
  return server;
}

/** Two batches, each flushed: each flush makes the loss reporter say what was lost so far. */
async function deliverTwice(pipeline: BackendPipeline, events: AuditEvent[] = [event(1), event(2)]): Promise<void> {
  for (const e of events) {
    pipeline.enqueue([e]);
    await pipeline.flush();
  }
}

describe('configuration failures of the HTTP backends', () => {
  it.each(VENDORS)('$name: says a refused key once, naming the call, what was lost and the variable to check', async (vendor) => {
    const diagnostics = captureDiag();
    const warnings = captureProcessWarnings();
    const pipeline = pipelineOf(vendor.backend(await started(vendor), WRONG_KEY));

    await deliverTwice(pipeline);

    const said = [...(await warnings.said()), ...diagnostics.errors, ...diagnostics.warnings];
    const diagnoses = said.filter((m) => m.includes(vendor.keyVariable));
    expect(diagnoses).toHaveLength(1);
    // AgentOps names the session the event belongs to.
    const lost = `— 1 event( of session '[^']+')? not delivered\\.`;
    expect(diagnoses[0]).toMatch(new RegExp(`${vendor.name}: 401 on POST /\\S+ .*${lost} Check ${vendor.keyVariable} \\(or the apiKey option\\)\\.`));
    expect(said.join('\n')).not.toContain(WRONG_KEY);
    // Still counted, each loss report naming the refusal, but not repeating what to check.
    const losses = diagnostics.warnings.filter((m) => m.includes('not delivered —'));
    expect(losses).toHaveLength(2);
    for (const loss of losses) expect(loss).toMatch(new RegExp(`1 failed: ${vendor.name}: 401 on POST /\\S+ — a configuration error, reported once`));
    expect(pipeline.stats()).toMatchObject({ delivered: 0, failed: 2, retries: 0 });
  });

  it.each(VENDORS)('$name: a missing key is said once at setup, not again with each loss', async (vendor) => {
    const diagnostics = captureDiag();
    const warnings = captureProcessWarnings();
    const server = await started(vendor);
    const pipeline = pipelineOf(vendor.backend(server, ''));

    await deliverTwice(pipeline);

    const said = [...(await warnings.said()), ...diagnostics.errors, ...diagnostics.warnings];
    expect(said.filter((m) => m.includes(vendor.keyVariable))).toEqual([
      expect.stringContaining(`${vendor.name}: no API key. Set ${vendor.keyVariable} or pass { apiKey }`),
    ]);
    expect(pipeline.stats()).toMatchObject({ delivered: 0, failed: 2 });
  });

  it('says it once per backend: two backends with the same refused key each say it once', async () => {
    const diagnostics = captureDiag();
    const warnings = captureProcessWarnings();
    const vendor = VENDORS[0]!;
    const server = await started(vendor);
    const first = pipelineOf(vendor.backend(server, WRONG_KEY));
    const second = pipelineOf(vendor.backend(server, WRONG_KEY));

    await deliverTwice(first);
    await deliverTwice(second);

    expect([...(await warnings.said()), ...diagnostics.errors, ...diagnostics.warnings].filter((m) => m.includes('SECUREAGENTICS_API_KEY'))).toHaveLength(2);
  });

  it('one kind whatever the ids: agents refused at registration under different names are said once', async () => {
    const diagnostics = captureDiag();
    const warnings = captureProcessWarnings();
    const server = await started(VENDORS[0]!);
    const pipeline = pipelineOf(secureagentics({ baseUrl: server.url, apiKey: WRONG_KEY }));

    await deliverTwice(pipeline, [event(1, 'alpha'), event(2, 'beta')]);

    const diagnoses = [...(await warnings.said()), ...diagnostics.errors, ...diagnostics.warnings].filter((m) => m.includes('SECUREAGENTICS_API_KEY'));
    expect(diagnoses).toHaveLength(1);
    expect(diagnoses[0]).toContain("secureagentics: 401 on POST /v1/agents (registering agent 'alpha') (unauthorized) — its events not delivered.");
  });

  it('never prints the key, even when the service echoes it in its error', async () => {
    const diagnostics = captureDiag();
    const warnings = captureProcessWarnings();
    const server = (await started(VENDORS[0]!)) as SecureagenticsTestServer;
    server.script(() => ({ status: 401, body: { error: `API key ${WRONG_KEY} is not valid` } }));
    const pipeline = pipelineOf(secureagentics({ baseUrl: server.url, apiKey: WRONG_KEY, agentId: 'agt_1' }));

    await deliverTwice(pipeline);

    const said = [...(await warnings.said()), ...diagnostics.errors, ...diagnostics.warnings].join('\n');
    expect(said).toContain('secureagentics: 401 on POST /v1/agents/agt_1/events/batch (API key … is not valid)');
    expect(said).not.toContain(WRONG_KEY);
  });

  it('agentops: a JWT refused right after its renewal is said once', async () => {
    const diagnostics = captureDiag();
    const warnings = captureProcessWarnings();
    const server = await startAgentOpsServer();
    closing.push(() => server.close());
    server.script((req) => (req.path === '/v2/create_events' ? { status: 401, body: { error: 'Token has expired' } } : undefined));
    const pipeline = pipelineOf(agentops({ baseUrl: server.url, apiKey: server.apiKey }));

    await deliverTwice(pipeline);

    const diagnoses = [...(await warnings.said()), ...diagnostics.errors, ...diagnostics.warnings].filter((m) => m.includes('AGENTOPS_BASE_URL'));
    expect(diagnoses).toHaveLength(1);
    expect(diagnoses[0]).toMatch(/agentops: 401 on POST \/v2\/create_events with a JWT just renewed by POST \/v2\/reauthorize_jwt — 1 event of session '[^']+' not delivered\./);
  });
});

describe('configuration failures of jsonlFile', () => {
  it('says an unwritable file once, with its path, and then only counts the losses', async () => {
    const diagnostics = captureDiag();
    const warnings = captureProcessWarnings();
    const dir = await mkdtemp(join(tmpdir(), 'configuration-failures-'));
    closing.push(() => rm(dir, { recursive: true, force: true }));
    const blocker = join(dir, 'not-a-dir');
    await writeFile(blocker, 'x');
    const pipeline = pipelineOf(jsonlFile({ path: join(blocker, 'audit.jsonl') }));

    await deliverTwice(pipeline);

    const diagnoses = [...(await warnings.said()), ...diagnostics.errors, ...diagnostics.warnings].filter((m) => m.includes('writable'));
    expect(diagnoses).toHaveLength(1);
    expect(diagnoses[0]).toContain(`jsonl-file: could not append 1 event to ${join(blocker, 'audit.jsonl')}`);
    expect(pipeline.stats()).toMatchObject({ delivered: 0, failed: 2 });
  });
});
