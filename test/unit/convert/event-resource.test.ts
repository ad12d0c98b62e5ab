import { resourceFromAttributes } from '@opentelemetry/resources';
import { describe, expect } from 'vitest';
import { recordEvent, toAuditEvents, withLLMCall, withSession } from '../../../src/index.js';
import { it } from '../../support/audit-test.js';

describe('AuditEvent.resource', () => {
  it('is the provider resource’s attributes, one shared object for every event (never a copy per event)', async ({ install }) => {
    const { memory } = install.tracing([], { resource: resourceFromAttributes({ 'service.name': 'billing-agent', 'deployment.environment.name': 'prod' }) });
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
