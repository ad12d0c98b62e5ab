/**
 * setupAudit() that throws on an invalid option returns no handle to shut
 * down: it must leave no audit pipeline (and so no recording policy) live.
 */
import type { Resource } from '@opentelemetry/resources';
import { describe, expect } from 'vitest';
import { jsonlFile, setupAudit, withToolCall } from '../../../src/index.js';
import { liveRecordingPolicies } from '../../../src/model/recording-policy.js';
import { it } from '../../support/audit-test.js';

const discard = () => jsonlFile({ path: '/dev/null' });

describe('setupAudit that threw', () => {
  it('on its otlp url leaves no content-off policy behind', ({ install }) => {
    const before = liveRecordingPolicies().size;
    expect(() => setupAudit({ backends: [discard()], otlp: { url: 'not a url' }, captureContent: false })).toThrow();
    expect(liveRecordingPolicies().size).toBe(before);
    const tracing = install.tracing();
    withToolCall('lookup', { id: 1 }, () => 'row');
    expect(tracing.memory.getFinishedSpans()[0]!.attributes['gen_ai.tool.call.arguments']).toBe('{"id":1}');
  });

  it('on its resource leaves no policy behind', () => {
    const before = liveRecordingPolicies().size;
    expect(() => setupAudit({ backends: [discard()], otlp: false, captureContent: false, resource: {} as Resource })).toThrow();
    expect(liveRecordingPolicies().size).toBe(before);
  });
});
