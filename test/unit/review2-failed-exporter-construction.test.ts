/**
 * Review: AuditSpanExporter registers its policy before it builds its backend
 * pipelines; a throw there (backends not an array) leaves the policy live forever.
 */
import { expect } from 'vitest';
import { AuditSpanExporter, withToolCall, type AuditBackend } from '../../src/index.js';
import { it } from '../support/audit-test.js';

it('review2: an AuditSpanExporter whose backends threw leaves no content-off policy behind', ({ install }) => {
  expect(() => new AuditSpanExporter({ captureContent: false, maxContentLength: 3, backends: {} as unknown as AuditBackend[] })).toThrow();
  const tracing = install.tracing();
  withToolCall('lookup2', 'abcdef', () => 'row');
  expect(tracing.memory.getFinishedSpans().at(-1)!.attributes['gen_ai.tool.call.arguments']).toBe('abcdef');
});
