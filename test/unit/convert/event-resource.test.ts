import { resourceFromAttributes } from '@opentelemetry/resources';
import { InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { NodeTracerProvider } from '@opentelemetry/sdk-trace-node';
import { afterEach, describe, expect, it } from 'vitest';
import { recordEvent, toAuditEvents, withLLMCall, withSession } from '../../../src/index.js';
import { resetOtelGlobals } from '../../support/tracing.js';

let provider: NodeTracerProvider | undefined;

afterEach(async () => {
  await provider?.shutdown();
  provider = undefined;
  resetOtelGlobals();
});

describe('AuditEvent.resource', () => {
  it('is the provider resource’s attributes, one shared object for every event (never a copy per event)', async () => {
    const memory = new InMemorySpanExporter();
    provider = new NodeTracerProvider({
      resource: resourceFromAttributes({ 'service.name': 'billing-agent', 'deployment.environment.name': 'prod' }),
      spanProcessors: [new SimpleSpanProcessor(memory)],
    });
    provider.register();
    await withSession({ agentName: 'bot' }, async () => {
      await withLLMCall({ model: 'm', prompt: 'hi' }, async () => 'hello');
      recordEvent('step', {});
    });
    const events = toAuditEvents(memory.getFinishedSpans());
    expect(events.length).toBeGreaterThan(3);
    expect(events[0]!.resource).toMatchObject({ 'service.name': 'billing-agent', 'deployment.environment.name': 'prod' });
    expect(events.every((e) => e.resource === events[0]!.resource)).toBe(true);
  });
});
