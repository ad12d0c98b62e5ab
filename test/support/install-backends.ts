/**
 * The audit span processor with any backends, on a fresh global provider
 * whose resource names the service and its deployment (so backends that copy
 * resource attributes have something to copy), with fast retries.
 */
import { resourceFromAttributes } from '@opentelemetry/resources';
import type { AuditBackend } from '../../src/model/audit-backend.js';
import { auditSpanProcessor, type AuditProcessorOptions, type AuditSpanProcessor } from '../../src/pipeline/audit-span-processor.js';
import { FAST_RETRY, installTracing, type TestTracing } from './tracing.js';

export const TEST_RESOURCE = Object.freeze({ 'service.name': 'support-service', 'deployment.environment.name': 'staging' });

export function installBackends(
  backends: AuditBackend[],
  delivery: AuditProcessorOptions = {},
): { processor: AuditSpanProcessor; tracing: TestTracing } {
  const processor = auditSpanProcessor({ backends, ...FAST_RETRY, ...delivery });
  return { processor, tracing: installTracing([processor], { resource: resourceFromAttributes(TEST_RESOURCE) }) };
}
