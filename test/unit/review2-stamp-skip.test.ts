/**
 * Review: the stamp-skip optimisation of c24e294 ("one pipeline: no stamp").
 * auditSpanProcessor() registers two live policies (its exporter's and its
 * own), so live.strictest() is always a freshly combined object and never
 * identical to the processor's policy: every span is still stamped.
 */
import { expect } from 'vitest';
import { withToolCall } from '../../src/index.js';
import { auditSpanProcessor } from '../../src/pipeline/audit-span-processor.js';
import { jsonlFile } from '../../src/index.js';
import { it } from '../support/audit-test.js';

const STAMP = Symbol.for('otel-agent-audit.recording-policy.v1');

it('review2: one auditSpanProcessor alone in the process does not stamp its spans (c24e294 claim)', async ({ install }) => {
  const audit = auditSpanProcessor({ backends: [jsonlFile({ path: '/dev/null' })] });
  const tracing = install.tracing([audit]);
  withToolCall('t', { a: 1 }, () => 'r');
  const span = tracing.memory.getFinishedSpans()[0]!;
  expect(Object.getOwnPropertySymbols(span)).not.toContain(STAMP);
});
