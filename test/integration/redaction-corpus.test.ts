/**
 * The planted-secret corpus (test/support/secret-corpus.ts, 64 fake secrets
 * and personal data) in every place an agent's activity can carry text —
 * system instructions, prompts, completions, tool arguments and results,
 * errors thrown and recorded, custom events, session attributes, another
 * instrumentation's span attributes and exceptions — with content capture
 * on and off. Nothing of it may reach any backend's request body, the
 * receiver's trail file, the JSONL file, the OTLP sink (through
 * `redactingSpanExporter`), or any log line or process warning.
 */
import { diag, DiagLogLevel, SpanStatusCode, trace } from '@opentelemetry/api';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { BatchSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, onTestFinished } from 'vitest';
import {
  agenticAudit,
  agentops,
  agentSudo,
  auditSpanProcessor,
  jsonlFile,
  recordError,
  recordEvent,
  redactingSpanExporter,
  secureagentics,
  withLLMCall,
  withSession,
  withToolCall,
} from '../../src/index.js';
import { startAuditReceiver } from '../../src/receiver/index.js';
import { it } from '../support/audit-test.js';
import { SECRET_CORPUS, type CorpusSecret } from '../support/secret-corpus.js';
import { FAST_RETRY } from '../support/tracing.js';
import { closedPort } from '../servers/loopback-ports.js';

/** The texts that must not appear: each secret, and each long line of a multi-line one (a PEM body). */
function needles(entry: CorpusSecret): string[] {
  const lines = entry.secret.split('\n').filter((line) => line.length >= 16 && !line.startsWith('-----'));
  return [entry.secret, ...(lines.length > 1 ? lines : [])];
}

const ALL_NEEDLES = SECRET_CORPUS.flatMap(needles);

/** Every string in a JSON value (keys too), as sent: escapes undone, so a secret with a newline is found as it is. */
function stringsOf(value: unknown, out: string[] = []): string[] {
  if (typeof value === 'string') out.push(value);
  else if (Array.isArray(value)) for (const item of value) stringsOf(item, out);
  else if (value !== null && typeof value === 'object') {
    for (const [key, item] of Object.entries(value)) {
      out.push(key);
      stringsOf(item, out);
    }
  }
  return out;
}

/** Which needles appear in `strings`, with where: empty when nothing leaked. */
function leaks(where: string, strings: readonly string[]): string[] {
  const found: string[] = [];
  for (const needle of ALL_NEEDLES) if (strings.some((s) => s.includes(needle))) found.push(`${where}: ${needle.slice(0, 24)}…`);
  return found;
}

/** Every diag line at every level, and every process warning, from now until the test ends. */
function everyLogLine(): string[] {
  const logged: string[] = [];
  const capture = (...args: unknown[]) => void logged.push(args.map((a) => (a instanceof Error ? `${a.message}\n${a.stack}` : String(a))).join(' '));
  diag.setLogger({ error: capture, warn: capture, info: capture, debug: capture, verbose: capture }, { logLevel: DiagLogLevel.ALL, suppressOverrideMessage: true });
  const onWarning = (warning: Error) => void logged.push(warning.message);
  process.on('warning', onWarning);
  onTestFinished(() => void process.off('warning', onWarning));
  return logged;
}

/** One agent session with `text` in every place it can go. */
async function plant(text: string, index: number): Promise<void> {
  await withSession({ agentName: 'corpus-bot', attributes: { 'app.customer_note': text } }, async () => {
    await withLLMCall({ model: 'gpt-4o-mini', provider: 'openai', system: `Instructions: ${text}`, prompt: `User says: ${text}` }, (call) => {
      call.setCompletion(`Assistant repeats: ${text}`);
      return 'ok';
    });
    await withToolCall('store_note', { note: text, index }, () => ({ stored: text }));
    await withToolCall('send_note', { note: text }, async () => {
      throw new Error(`gateway refused: ${text}`);
    }).catch(() => undefined);
    recordError(new Error(`while parsing: ${text}`));
    recordEvent('note.received', { body: text, nested: { deeper: [text] } });
    // Another instrumentation's model span (OpenInference), and a plain span with an exception.
    const tracer = trace.getTracer('openinference.instrumentation.openai');
    tracer.startActiveSpan('OpenAI Chat Completions', { attributes: { 'openinference.span.kind': 'LLM', 'llm.model_name': 'gpt-4o', 'input.value': text, 'output.value': text } }, (span) => span.end());
    trace.getTracer('http-client').startActiveSpan(`GET /notes/${index}`, { attributes: { 'http.url': `https://api.example.com/notes?q=${encodeURIComponent(text)}`, 'app.note': text } }, (span) => {
      span.recordException(new Error(`upstream said: ${text}`));
      span.setStatus({ code: SpanStatusCode.ERROR, message: `failed: ${text}` });
      span.end();
    });
  });
}

describe.each([
  ['on', true],
  ['off', false],
])('planted secrets, content capture %s', (_label, captureContent) => {
  it('leave the process only redacted: in no backend body, trail file, OTLP span, log line or warning', async ({ install, secureagenticsServer, agentOpsServer, agenticAuditServer, agentSudoServer, otlpSink }) => {
    const dir = mkdtempSync(join(tmpdir(), 'audit-corpus-'));
    const trailFile = join(dir, 'receiver.jsonl');
    const jsonl = join(dir, 'audit.jsonl');
    const receiver = await startAuditReceiver({ port: 0, file: trailFile });
    onTestFinished(() => receiver.close());

    const logged = everyLogLine();

    const deciding = secureagentics({ apiKey: secureagenticsServer.apiKey, baseUrl: secureagenticsServer.url, agentName: 'corpus-bot' });
    const processor = auditSpanProcessor({
      ...FAST_RETRY,
      captureContent,
      maxQueueSize: 100_000,
      // Each tool call is put to it before it runs: that request leaves the process too.
      toolDecision: { backend: deciding, failMode: 'open' },
      backends: [
        deciding,
        agentops({ apiKey: agentOpsServer.apiKey, baseUrl: agentOpsServer.url }),
        agenticAudit({ apiKey: agenticAuditServer.apiKey, baseUrl: agenticAuditServer.url }),
        agentSudo({ apiKey: agentSudoServer.apiKey, baseUrl: agentSudoServer.url }),
        secureagentics({ apiKey: 'corpus-key', baseUrl: receiver.url, agentName: 'corpus-bot' }),
        jsonlFile({ path: jsonl }),
      ],
    });
    const otlp = redactingSpanExporter(new OTLPTraceExporter({ url: `${otlpSink.url}/v1/traces` }));
    const otlpProcessor = new BatchSpanProcessor(otlp, { scheduledDelayMillis: 10 });
    install.tracing([processor, otlpProcessor]);

    for (const [i, entry] of SECRET_CORPUS.entries()) await plant(entry.context ?? entry.secret, i);
    await processor.forceFlush();
    await otlpProcessor.forceFlush();
    await receiver.close();

    const stats = processor.stats();
    for (const [name, backend] of Object.entries(stats.backends)) expect({ name, failed: backend.failed, dropped: backend.dropped }).toEqual({ name, failed: 0, dropped: 0 });
    const sessions = SECRET_CORPUS.length;
    expect(secureagenticsServer.allEvents().filter((e) => e.payload['name'] === 'session.end')).toHaveLength(sessions);
    expect(secureagenticsServer.requests.filter((r) => /\/events$/.test(r.path))).toHaveLength(sessions * 2); // the gate's two per session
    expect(otlpSink.spans().length).toBe(sessions * 6) // session, model call, two tools, the OpenInference and the HTTP span;

    const found = [
      ...leaks('secureagentics', secureagenticsServer.requests.flatMap((r) => stringsOf(r.body))),
      ...leaks('agentops', agentOpsServer.requests.flatMap((r) => stringsOf(r.body))),
      ...leaks('agentic-audit', agenticAuditServer.requests.flatMap((r) => stringsOf(r.body))),
      ...leaks('agentsudo', agentSudoServer.requests.flatMap((r) => stringsOf(r.body))),
      ...leaks('receiver file', readFileSync(trailFile, 'utf8').split('\n').filter(Boolean).flatMap((l) => stringsOf(JSON.parse(l)))),
      ...leaks('jsonl file', readFileSync(jsonl, 'utf8').split('\n').filter(Boolean).flatMap((l) => stringsOf(JSON.parse(l)))),
      ...leaks('otlp', stringsOf(JSON.parse(JSON.stringify(otlpSink.spans())))),
      ...leaks('logs', logged),
    ];
    expect(found).toEqual([]);

    // What was redacted is counted per rule (never the text), on the handle and on the events.
    const counted = Object.keys(stats.redactions ?? {});
    for (const rule of ['openai_key', 'aws_access_key', 'private_key', 'jwt', 'url_credentials', 'email', 'payment_card', 'iban']) expect(counted).toContain(rule);
    const redactions = secureagenticsServer.allEvents().map((e) => e.payload['audit.redactions']).filter(Boolean);
    expect(redactions.length).toBeGreaterThan(sessions);
    expect(otlp.redactions()['openai_key']).toBeGreaterThan(0);
  });
});

describe('credentials in configuration', () => {
  it('a baseUrl with user:password and an API key never appear in a log line or warning', async ({ install }) => {
    const logged = everyLogLine();
    const password = 'hunter2-' + 'Zq8xW3vL';
    const apiKey = 'sk-' + 'proj-' + 'Q7w2Er9tY4uI1oP6aS3dF8gH5jK0lZ';
    // Nothing listens there: every attempt fails, and each failure is logged.
    const url = new URL(`http://127.0.0.1:${await closedPort()}`);
    url.username = 'deploy';
    url.password = password;
    const { processor } = install.backends([secureagentics({ apiKey, baseUrl: url.href, agentName: 'bot' })], { maxAttempts: 1, spoolDir: false, shutdownTimeoutMillis: 200 });
    await withToolCall('lookup', { i: 1 }, () => 1);
    await processor.forceFlush();
    await processor.shutdown();
    expect(logged.join('\n')).toMatch(/127\.0\.0\.1:\d+/); // the URL is in the lines, without its userinfo
    expect(logged.join('\n')).not.toContain(password);
    expect(logged.join('\n')).not.toContain(apiKey);
  });
});
