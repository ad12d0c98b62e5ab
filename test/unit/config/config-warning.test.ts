import { afterEach, describe, expect, it, vi } from 'vitest';
import { CONFIG_WARNING_CODE, createConfigWarner } from '../../../src/config/config-warning.js';
import { resolveEnv } from '../../../src/config/resolve-env.js';

afterEach(() => {
  vi.restoreAllMocks();
});

describe('createConfigWarner', () => {
  it('emits a process warning with the stable code, visible without any diag logger', () => {
    const emit = vi.spyOn(process, 'emitWarning').mockImplementation(() => {});
    resolveEnv({ OTEL_AGENT_AUDIT_MAX_QUEUE_SIZE: 'abc' }, createConfigWarner());
    expect(emit).toHaveBeenCalledTimes(1);
    expect(emit).toHaveBeenCalledWith(
      'otel-agent-audit: OTEL_AGENT_AUDIT_MAX_QUEUE_SIZE="abc" is not a positive integer; using 20000 (the default).',
      { code: CONFIG_WARNING_CODE },
    );
    expect(CONFIG_WARNING_CODE).toBe('OTEL_AGENT_AUDIT_CONFIG');
  });

  it('does not warn again when the same environment is resolved a second time', () => {
    const messages: string[] = [];
    const warn = createConfigWarner((message) => messages.push(message));
    resolveEnv({ OTEL_LOG_LEVEL: 'loud' }, warn);
    resolveEnv({ OTEL_LOG_LEVEL: 'loud' }, warn);
    expect(messages).toHaveLength(1);
  });

  it('warns once per variable, not once per value', () => {
    const messages: string[] = [];
    const warn = createConfigWarner((message) => messages.push(message));
    resolveEnv({ OTEL_LOG_LEVEL: 'loud', OTEL_AGENT_AUDIT_MAX_CONTENT_LENGTH: '0' }, warn);
    resolveEnv({ OTEL_LOG_LEVEL: 'louder' }, warn);
    expect(messages).toHaveLength(2);
    expect(messages.join('\n')).toContain('OTEL_LOG_LEVEL="loud"');
    expect(messages.join('\n')).toContain('OTEL_AGENT_AUDIT_MAX_CONTENT_LENGTH="0"');
  });

  it('keeps separate warners apart', () => {
    const first: string[] = [];
    const second: string[] = [];
    resolveEnv({ OTEL_LOG_LEVEL: 'loud' }, createConfigWarner((m) => first.push(m)));
    resolveEnv({ OTEL_LOG_LEVEL: 'loud' }, createConfigWarner((m) => second.push(m)));
    expect([first.length, second.length]).toEqual([1, 1]);
  });
});
