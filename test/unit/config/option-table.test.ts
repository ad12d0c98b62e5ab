import { describe, expect, it } from 'vitest';
import { DEFAULTS } from '../../../src/config/defaults.js';
import { envKeysOf, OPTIONS, type OptionSpec } from '../../../src/config/option-table.js';
import { OPTION_TYPES } from '../../../src/config/option-types.js';

const rows = Object.entries(OPTIONS) as [string, OptionSpec][];

describe('OPTIONS', () => {
  it('lists exactly the environment variables the package reads, vendor names kept', () => {
    const envKeys = rows.flatMap(([, spec]) => envKeysOf(spec)).sort();
    expect(envKeys).toEqual(
      [
        'AGENTAUDIT_KEY',
        'AGENTAUDIT_URL',
        'AGENTOPS_API_KEY',
        'AGENTOPS_BASE_URL',
        'AGENTSUDO_API_KEY',
        'AGENTSUDO_BASE_URL',
        'OTEL_AGENT_AUDIT_ANNOUNCE_DELIVERY',
        'OTEL_AGENT_AUDIT_BACKENDS',
        'OTEL_AGENT_AUDIT_CHECKPOINT_EVERY',
        'OTEL_AGENT_AUDIT_CHECKPOINT_INTERVAL_MILLIS',
        'OTEL_AGENT_AUDIT_INTEGRITY',
        'OTEL_AGENT_AUDIT_JSONL_FILE',
        'OTEL_AGENT_AUDIT_MAX_CONTENT_LENGTH',
        'OTEL_AGENT_AUDIT_MAX_EVENT_AGE_MILLIS',
        'OTEL_AGENT_AUDIT_MAX_QUEUE_SIZE',
        'OTEL_AGENT_AUDIT_REDACTION',
        'OTEL_AGENT_AUDIT_REDACTION_ALLOW',
        'OTEL_AGENT_AUDIT_REDACTION_DISABLE',
        'OTEL_AGENT_AUDIT_REDACTION_HASH_KEY',
        'OTEL_AGENT_AUDIT_REDACTION_KEYS',
        'OTEL_AGENT_AUDIT_REDACTION_MODE',
        'OTEL_AGENT_AUDIT_REDACTION_PATTERNS',
        'OTEL_AGENT_AUDIT_SHUTDOWN_TIMEOUT_MILLIS',
        'OTEL_AGENT_AUDIT_SIGNING_KEY',
        'OTEL_AGENT_AUDIT_SPOOL_DIR',
        'OTEL_AGENT_AUDIT_SPOOL_FLUSH_MILLIS',
        'OTEL_AGENT_AUDIT_SPOOL_MAX_BYTES',
        'OTEL_EXPORTER_OTLP_ENDPOINT',
        'OTEL_EXPORTER_OTLP_PROTOCOL',
        'OTEL_EXPORTER_OTLP_TRACES_ENDPOINT',
        'OTEL_EXPORTER_OTLP_TRACES_PROTOCOL',
        'OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT',
        'OTEL_LOG_LEVEL',
        'OTEL_SDK_DISABLED',
        'OTEL_TRACES_EXPORTER',
        'SECUREAGENTICS_AGENT_ID',
        'SECUREAGENTICS_AGENT_NAME',
        'SECUREAGENTICS_API_KEY',
        'SECUREAGENTICS_BASE_URL',
      ].sort(),
    );
  });

  it('gives every row a default its own type accepts, or none', () => {
    for (const [name, spec] of rows) {
      if (spec.default === undefined) continue;
      expect(OPTION_TYPES[spec.type].accepts(spec.default), name).toBe(true);
    }
  });

  it('takes every default from DEFAULTS, so there is one place to read them', () => {
    const defaults = new Map(Object.entries(DEFAULTS));
    for (const [name, spec] of rows) {
      if (spec.default === undefined || !defaults.has(name)) continue;
      expect(spec.default, name).toBe(defaults.get(name));
    }
    expect(OPTIONS.agenticAuditBaseUrl.default).toBe(DEFAULTS.agenticAuditBaseUrl);
    expect(OPTIONS.captureContent.default).toBe(DEFAULTS.captureContent);
  });

  it('marks every API key as a secret', () => {
    for (const [name, spec] of rows) {
      const isKey = envKeysOf(spec).some((key) => /_KEY$/.test(key));
      expect(spec.type === 'secret', name).toBe(isKey);
    }
  });

  it('is frozen, row by row, and so is DEFAULTS', () => {
    expect(Object.isFrozen(OPTIONS)).toBe(true);
    for (const [, spec] of rows) expect(Object.isFrozen(spec)).toBe(true);
    expect(Object.isFrozen(DEFAULTS)).toBe(true);
  });
});
