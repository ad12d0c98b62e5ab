import { trace } from '@opentelemetry/api';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { describe, expect } from 'vitest';
import { recordError, withLLMCall, withSession, withToolCall } from '../../src/index.js';
import { startSecureagenticsServer } from '../servers/secureagentics-server.js';
import { auditSpanProcessor } from '../../src/pipeline/audit-span-processor.js';
import { secureagentics } from '../../src/index.js';
import { it } from '../support/audit-test.js';
import { childEnv } from '../support/child-env.js';

// Content, not a secret: redaction (on) must leave it alone, so only the capture switch decides.
const SECRET = 'my order number is ORD-7731 and it has not arrived';

async function agentRun(): Promise<void> {
  await withSession({ agentName: 'bot' }, async () => {
    await withLLMCall({ model: 'gpt-4o-mini', provider: 'openai', system: 'Be terse.', prompt: SECRET, parameters: { temperature: 0.2 } }, (call) => {
      call.setCompletion(`You said: ${SECRET}`);
      call.setUsage({ inputTokens: 12, outputTokens: 7 });
      return 'ok';
    });
    await withToolCall('charge_card', { card: SECRET }, () => ({ receipt: SECRET }));
    // Another instrumentation's span, with content of its own.
    trace.getTracer('openinference').startActiveSpan('OpenAI Chat Completions', { attributes: { 'openinference.span.kind': 'LLM', 'llm.model_name': 'gpt-4o', 'input.value': SECRET, 'output.value': SECRET, 'llm.token_count.prompt': 3 } }, (span) => span.end());
    recordError(new Error('card declined'));
  });
}

describe('content capture switch', () => {
  it('off: no message content in our spans or in any audit event; metadata and errors stay', async ({ secureagenticsServer: server, install }) => {
    const installed = install.audit(server, {}, { captureContent: false });
    const { tracing } = installed;
    await agentRun();
    await installed.processor.shutdown();

    const ours = tracing.memory.getFinishedSpans().filter((s) => s.instrumentationScope.name === 'otel-agent-audit');
    for (const span of ours) {
      for (const key of ['gen_ai.input.messages', 'gen_ai.output.messages', 'gen_ai.system_instructions', 'gen_ai.tool.call.arguments', 'gen_ai.tool.call.result']) {
        expect(span.attributes[key], `${span.name} ${key}`).toBeUndefined();
      }
    }
    const events = server.allEvents();
    expect(JSON.stringify(events)).not.toContain('ORD-7731');
    expect(events.find((e) => e.type === 'prompt' && e.payload['model'] === 'gpt-4o-mini')!.payload).toMatchObject({ provider: 'openai', token_count: 12, parameters: { temperature: 0.2 }, content_omitted: true });
    expect(events.find((e) => e.type === 'completion' && e.payload['model'] === 'gpt-4o-mini')!.payload).toMatchObject({ token_count: 7 });
    expect(events.find((e) => e.type === 'tool_call')!.payload).toMatchObject({ tool_name: 'charge_card', status: 'ok', content_omitted: true });
    expect(events.find((e) => e.type === 'prompt' && e.payload['model'] === 'gpt-4o')!.payload).toMatchObject({ token_count: 3 });
    expect(events.find((e) => e.type === 'error')!.payload).toMatchObject({ message: 'card declined' });
  });

  it('on (the default): content is recorded and exported', async ({ secureagenticsServer: server, install }) => {
    const installed = install.audit(server, {}, { captureContent: true });
    await agentRun();
    await installed.processor.shutdown();
    const tool = server.allEvents().find((e) => e.type === 'tool_call')!;
    expect(tool.payload).toMatchObject({ arguments: { card: SECRET }, result: { receipt: SECRET } });
    expect(tool.payload['content_omitted']).toBeUndefined();
  });

  it('each exporter keeps its own setting; while one forbids content, our helpers write none on spans', async ({ secureagenticsServer: server, install }) => {
    const other = await startSecureagenticsServer();
    try {
      const strict = auditSpanProcessor({ backends: [secureagentics({ apiKey: server.apiKey, baseUrl: server.url })], captureContent: false });
      const debug = auditSpanProcessor({ backends: [secureagentics({ apiKey: other.apiKey, baseUrl: other.url })], captureContent: true });
      install.tracing([strict, debug]);
      await agentRun();
      await Promise.all([strict.shutdown(), debug.shutdown()]);
      expect(JSON.stringify(server.allEvents())).not.toContain('ORD-7731');
      // The other exporter gets what other instrumentations wrote, but nothing our helpers withheld.
      const otherEvents = other.allEvents();
      expect(otherEvents.find((e) => e.type === 'tool_call')!.payload['arguments']).toBeUndefined();
      expect(otherEvents.find((e) => e.type === 'prompt' && e.payload['model'] === 'gpt-4o')!.payload['prompt']).toContain('ORD-7731');
    } finally {
      await other.close();
    }
  });

  it('off: request parameters keep only numbers and flags (some instrumentations put text there)', async ({ secureagenticsServer: server, install }) => {
    const installed = install.audit(server, {}, { captureContent: false });
    trace.getTracer('openinference').startActiveSpan('OpenAI Responses', {
      attributes: { 'openinference.span.kind': 'LLM', 'llm.model_name': 'gpt-4o', 'llm.invocation_parameters': JSON.stringify({ model: 'gpt-4o', temperature: 0.1, stream: false, instructions: 'SYSTEM PROMPT 4111' }) },
    }, (span) => span.end());
    await installed.processor.shutdown();
    const prompt = server.allEvents().find((e) => e.type === 'prompt')!;
    expect(JSON.stringify(prompt)).not.toContain('4111');
    expect(prompt.payload['parameters']).toEqual({ temperature: 0.1, stream: false });
  });

  it('OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT=false turns it off without code changes', async ({ secureagenticsServer: server }) => {
    const script = `
      import { setupAudit, secureagentics, withToolCall } from 'otel-agent-audit';
      const audit = setupAudit({ backends: [secureagentics({ baseUrl: '${server.url}', apiKey: '${server.apiKey}', agentName: 'bot' })], otlp: false });
      await withToolCall('charge_card', { card: 'SECRET-4111' }, () => 'SECRET-4111');
      await audit.shutdown();`;
    await promisify(execFile)(process.execPath, ['--input-type=module', '-e', script], {
      cwd: new URL('../../', import.meta.url),
      env: { ...childEnv(), OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT: 'false' },
    });
    const [event] = server.allEvents();
    expect(event!.payload).toMatchObject({ tool_name: 'charge_card', content_omitted: true });
    expect(JSON.stringify(event)).not.toContain('SECRET');
  });
});
