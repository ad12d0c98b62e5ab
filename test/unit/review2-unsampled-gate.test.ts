/**
 * Review: a provider whose own audit processor has no tool gate. Its sampled
 * spans are stamped "no gate"; its unsampled spans (onStart never runs) fall
 * back to the strictest live policy, i.e. ANOTHER provider's gate. Whether the
 * agent's tool runs then depends on the sampler.
 */
import { expect } from 'vitest';
import { AlwaysOffSampler, AlwaysOnSampler, InMemorySpanExporter, SimpleSpanProcessor, type Sampler } from '@opentelemetry/sdk-trace-base';
import { NodeTracerProvider } from '@opentelemetry/sdk-trace-node';
import { auditSpanProcessor, isAuditBlockedError, jsonlFile, withToolCall, type AuditBackend } from '../../src/index.js';
import { resetOtelGlobals } from '../support/tracing.js';
import { it } from '../support/audit-test.js';

function blocker(): AuditBackend & { asked: number } {
  const b = {
    name: 'blocker',
    maxBatchSize: 100,
    asked: 0,
    send: async () => ({ kind: 'delivered' as const }),
    decide: async () => {
      b.asked++;
      return { kind: 'block' as const, reason: 'provider A policy' };
    },
    shutdown: async () => undefined,
  };
  return b;
}

async function runToolOnProviderB(sampler: Sampler): Promise<{ ran: boolean; blocked: boolean; asked: number }> {
  const backend = blocker();
  // Provider A (not global): a pipeline that gates tools.
  const a = auditSpanProcessor({ backends: [jsonlFile({ path: '/dev/null' })], toolDecision: { backend, failMode: 'closed' } });
  const providerA = new NodeTracerProvider({ spanProcessors: [a] });
  // Provider B (global, the agent's): its own audit pipeline, deliberately without a gate.
  const b = auditSpanProcessor({ backends: [jsonlFile({ path: '/dev/null' })] });
  const providerB = new NodeTracerProvider({ sampler, spanProcessors: [b, new SimpleSpanProcessor(new InMemorySpanExporter())] });
  providerB.register();
  let ran = false;
  const outcome = await Promise.resolve(withToolCall('wire_money', {}, () => (ran = true))).catch((e: unknown) => e);
  await Promise.all([providerA.shutdown(), providerB.shutdown()]);
  resetOtelGlobals();
  return { ran, blocked: isAuditBlockedError(outcome), asked: backend.asked };
}

it('review2: whether a tool on provider B runs does not depend on B\'s sampler', async () => {
  const sampled = await runToolOnProviderB(new AlwaysOnSampler());
  const unsampled = await runToolOnProviderB(new AlwaysOffSampler());
  expect(sampled).toEqual({ ran: true, blocked: false, asked: 0 });
  expect(unsampled).toEqual(sampled);
});
