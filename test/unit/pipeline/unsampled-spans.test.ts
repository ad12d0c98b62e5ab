/**
 * Spans the sampler dropped never reach a span processor (the SDK starts a
 * non-recording span), so no audit processor can stamp them, and they carry
 * nothing that says which provider made them. They follow the strictest
 * live pipeline of the process, by design: a gate cannot be escaped by the
 * sampler. The price, documented in README and ARCHITECTURE.md: with
 * pipelines on two providers, an unsampled span of one is held to the
 * other's gate too. Stricter, never looser.
 */
import { AlwaysOffSampler, AlwaysOnSampler, InMemorySpanExporter, SimpleSpanProcessor, type Sampler, type SpanProcessor } from '@opentelemetry/sdk-trace-base';
import { NodeTracerProvider } from '@opentelemetry/sdk-trace-node';
import { describe, expect } from 'vitest';
import { auditSpanProcessor, isAuditBlockedError, jsonlFile, withToolCall, type AuditBackend } from '../../../src/index.js';
import { resetOtelGlobals } from '../../support/tracing.js';
import { it } from '../../support/audit-test.js';

const discard = () => jsonlFile({ path: '/dev/null' });

function blocker(): AuditBackend & { asked: number } {
  const backend = {
    name: 'blocker',
    maxBatchSize: 100,
    asked: 0,
    send: async () => ({ kind: 'delivered' as const }),
    decide: async () => {
      backend.asked++;
      return { kind: 'block' as const, reason: 'not allowed' };
    },
    shutdown: async () => undefined,
  };
  return backend;
}

/** The audit processors of the agent's (global) provider, and one on a provider of its own, if any. */
type Pipelines = { own: SpanProcessor[]; elsewhere?: SpanProcessor };

/** Runs one tool on the agent's provider, with `sampler`; the pipelines are built with a deciding backend that blocks. */
async function runTool(sampler: Sampler, pipelines: (backend: AuditBackend) => Pipelines) {
  const backend = blocker();
  const { own, elsewhere } = pipelines(backend);
  const other = elsewhere && new NodeTracerProvider({ spanProcessors: [elsewhere] });
  const provider = new NodeTracerProvider({ sampler, spanProcessors: [...own, new SimpleSpanProcessor(new InMemorySpanExporter())] });
  provider.register();
  let ran = false;
  const outcome = await Promise.resolve(withToolCall('wire_money', {}, () => (ran = true))).catch((e: unknown) => e);
  await Promise.all([provider.shutdown(), other?.shutdown()]);
  resetOtelGlobals();
  return { ran, blocked: isAuditBlockedError(outcome), asked: backend.asked };
}

describe('spans the sampler dropped', () => {
  it('are still put to the gate of their provider’s only pipeline: the sampler cannot escape it', async () => {
    const gated = (backend: AuditBackend): Pipelines => ({ own: [auditSpanProcessor({ backends: [discard()], toolDecision: { backend, failMode: 'closed' } })] });
    expect(await runTool(new AlwaysOffSampler(), gated)).toEqual({ ran: false, blocked: true, asked: 1 });
    expect(await runTool(new AlwaysOnSampler(), gated)).toEqual({ ran: false, blocked: true, asked: 1 });
  });

  it('of a provider whose pipeline has no gate follow the strictest live pipeline, another provider’s gate included', async () => {
    const twoProviders = (backend: AuditBackend): Pipelines => ({
      own: [auditSpanProcessor({ backends: [discard()] })],
      elsewhere: auditSpanProcessor({ backends: [discard()], toolDecision: { backend, failMode: 'closed' } }),
    });
    // Sampled, the span carries its own pipeline's stamp: no gate.
    expect(await runTool(new AlwaysOnSampler(), twoProviders)).toEqual({ ran: true, blocked: false, asked: 0 });
    // Unsampled, nothing tells its provider: the strictest live gate decides.
    expect(await runTool(new AlwaysOffSampler(), twoProviders)).toEqual({ ran: false, blocked: true, asked: 1 });
  });
});
