/**
 * Review: auditSpanProcessor() builds (and registers) its AuditSpanExporter
 * before the processor validates its queue options; AuditSpanExporter also
 * registers before it builds its backend pipelines. A throw after the
 * registration leaves a live captureContent:false policy nobody can remove.
 */
import { expect } from 'vitest';
import { AuditSpanExporter, auditSpanProcessor, jsonlFile, withToolCall, type AuditBackend } from '../../src/index.js';
import { it } from '../support/audit-test.js';

it('review2: auditSpanProcessor that threw on maxSpanQueueSize leaves no content-off policy behind', ({ install }) => {
  expect(() => auditSpanProcessor({ backends: [jsonlFile({ path: '/dev/null' })], captureContent: false, maxSpanQueueSize: -5 })).toThrow(/maxSpanQueueSize/);
  const tracing = install.tracing();
  withToolCall('lookup', { id: 1 }, () => 'row');
  expect(tracing.memory.getFinishedSpans()[0]!.attributes['gen_ai.tool.call.arguments']).toBe('{"id":1}');
});
