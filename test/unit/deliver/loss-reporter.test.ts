import { afterEach, describe, expect, it } from 'vitest';
import { LossReporter } from '../../../src/deliver/loss-reporter.js';
import { captureDiag, resetOtelGlobals } from '../../support/tracing.js';

afterEach(() => resetOtelGlobals());

describe('LossReporter', () => {
  it('counts in words: one audit event, not "1 audit events"', () => {
    const diagnostics = captureDiag();
    const reporter = new LossReporter('secureagentics', 0);
    reporter.onLoss(1, 'failed', 'refused by the service (400)');
    reporter.onLoss(2, 'dropped', 'queue full (20000)');
    reporter.report();
    expect(diagnostics.warnings).toEqual([
      'otel-agent-audit:delivery secureagentics: 1 audit event not delivered — 1 failed: refused by the service (400)',
      'otel-agent-audit:delivery secureagentics: 2 audit events not delivered — 2 dropped: queue full (20000)',
    ]);
  });

  it('says one configuration problem once, however many batches meet it', () => {
    const diagnostics = captureDiag();
    const reporter = new LossReporter('agentsudo', 0);
    reporter.onConfigError('agentsudo: no API key — 3 events not delivered. Check AGENTSUDO_API_KEY.');
    reporter.onConfigError('agentsudo: no API key — 7 events not delivered. Check AGENTSUDO_API_KEY.');
    expect(diagnostics.errors).toHaveLength(1);
  });
});
