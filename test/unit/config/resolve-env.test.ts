import { describe, expect, it } from 'vitest';
import { OPTIONS, type OptionName } from '../../../src/config/option-table.js';
import { resolveConfig, resolveEnv, type ConfigProblem } from '../../../src/config/resolve-env.js';

/** One environment variable: values it accepts (raw → parsed) and values it rejects. */
interface EnvCase {
  envKey: string;
  option: OptionName;
  valid: [raw: string, parsed: unknown][];
  invalid: string[];
}

const CASES: EnvCase[] = [
  { envKey: 'SECUREAGENTICS_API_KEY', option: 'secureagenticsApiKey', valid: [['sa_live_1', 'sa_live_1'], [' sa_live_2\n', 'sa_live_2']], invalid: [] },
  { envKey: 'SECUREAGENTICS_AGENT_ID', option: 'secureagenticsAgentId', valid: [['agt_1', 'agt_1']], invalid: [] },
  { envKey: 'SECUREAGENTICS_AGENT_NAME', option: 'secureagenticsAgentName', valid: [['support-bot', 'support-bot']], invalid: [] },
  { envKey: 'SECUREAGENTICS_BASE_URL', option: 'secureagenticsBaseUrl', valid: [['http://127.0.0.1:8787', 'http://127.0.0.1:8787']], invalid: [] },
  { envKey: 'AGENTOPS_API_KEY', option: 'agentopsApiKey', valid: [['ao-key', 'ao-key']], invalid: [] },
  { envKey: 'AGENTOPS_BASE_URL', option: 'agentopsBaseUrl', valid: [['http://127.0.0.1:9000', 'http://127.0.0.1:9000']], invalid: [] },
  { envKey: 'AGENTAUDIT_URL', option: 'agenticAuditBaseUrl', valid: [['http://127.0.0.1:8001', 'http://127.0.0.1:8001']], invalid: [] },
  { envKey: 'AGENTAUDIT_KEY', option: 'agenticAuditApiKey', valid: [['aa_live_1', 'aa_live_1']], invalid: [] },
  { envKey: 'AGENTSUDO_API_KEY', option: 'agentsudoApiKey', valid: [['as_1', 'as_1']], invalid: [] },
  { envKey: 'AGENTSUDO_BASE_URL', option: 'agentsudoBaseUrl', valid: [['http://127.0.0.1:9001', 'http://127.0.0.1:9001']], invalid: [] },
  { envKey: 'OTEL_EXPORTER_OTLP_TRACES_ENDPOINT', option: 'otlpEndpoint', valid: [['http://127.0.0.1:4318/v1/traces', 'http://127.0.0.1:4318/v1/traces']], invalid: [] },
  { envKey: 'OTEL_EXPORTER_OTLP_ENDPOINT', option: 'otlpEndpoint', valid: [['http://127.0.0.1:4318', 'http://127.0.0.1:4318']], invalid: [] },
  { envKey: 'OTEL_AGENT_AUDIT_MAX_QUEUE_SIZE', option: 'maxQueueSize', valid: [['500', 500], [' 7 ', 7]], invalid: ['abc', '0', '-5', '1.5', 'Infinity'] },
  {
    envKey: 'OTEL_AGENT_AUDIT_SHUTDOWN_TIMEOUT_MILLIS',
    option: 'shutdownTimeoutMillis',
    valid: [['2500', 2500], ['0', 0]],
    invalid: ['soon', '-1', 'Infinity'],
  },
  { envKey: 'OTEL_AGENT_AUDIT_MAX_CONTENT_LENGTH', option: 'maxContentLength', valid: [['1024', 1024]], invalid: ['big', '0', '2.5'] },
  {
    envKey: 'OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT',
    option: 'captureContent',
    valid: [['false', false], ['FALSE', false], ['true', true], ['True', true]],
    invalid: ['yes', '0', '1'],
  },
  { envKey: 'OTEL_LOG_LEVEL', option: 'logLevel', valid: [['debug', 'DEBUG'], ['NONE', 'NONE'], ['all', 'ALL']], invalid: ['30', 'loud'] },
];

function resolveWith(env: Record<string, string | undefined>): { config: ReturnType<typeof resolveConfig>; problems: ConfigProblem[] } {
  const problems: ConfigProblem[] = [];
  const config = resolveConfig(env, (problem) => problems.push(problem));
  return { config, problems };
}

describe('resolveConfig', () => {
  describe.each(CASES)('$envKey', ({ envKey, option, valid, invalid }) => {
    const fallback = OPTIONS[option].default;

    it('uses the default when the variable is unset', () => {
      const { config, problems } = resolveWith({});
      expect(config[option]).toBe(fallback);
      expect(problems).toEqual([]);
    });

    it('treats an empty or blank value as unset, without a warning', () => {
      expect(resolveWith({ [envKey]: '' })).toEqual({ config: resolveWith({}).config, problems: [] });
      expect(resolveWith({ [envKey]: '   ' }).problems).toEqual([]);
      expect(resolveWith({ [envKey]: '   ' }).config[option]).toBe(fallback);
    });

    it.each(valid)('uses the parsed value when set to %j', (raw, parsed) => {
      const { config, problems } = resolveWith({ [envKey]: raw });
      expect(config[option]).toBe(parsed);
      expect(problems).toEqual([]);
    });

    it.runIf(invalid.length > 0).each(invalid)('reports %j once, naming the variable, the value and the default used instead', (raw) => {
      const { config, problems } = resolveWith({ [envKey]: raw });
      expect(config[option]).toBe(fallback);
      expect(problems).toHaveLength(1);
      expect(problems[0]).toMatchObject({ option, envKey, fallback });
      expect(problems[0]?.message).toContain(`${envKey}=${JSON.stringify(raw)}`);
      expect(problems[0]?.message).toContain(`using ${String(fallback)} (the default)`);
    });
  });

  it('words a bad number as in the docs', () => {
    const { problems } = resolveWith({ OTEL_AGENT_AUDIT_MAX_QUEUE_SIZE: 'abc' });
    expect(problems[0]?.message).toBe(
      'otel-agent-audit: OTEL_AGENT_AUDIT_MAX_QUEUE_SIZE="abc" is not a positive integer; using 20000 (the default).',
    );
  });

  it('lists the level names when OTEL_LOG_LEVEL is not one', () => {
    const { problems } = resolveWith({ OTEL_LOG_LEVEL: '30' });
    expect(problems[0]?.message).toBe(
      'otel-agent-audit: OTEL_LOG_LEVEL="30" is not one of NONE, ERROR, WARN, INFO, DEBUG, VERBOSE, ALL; using WARN (the default).',
    );
  });

  it('prefers the traces-specific OTLP endpoint over the generic one', () => {
    const { config } = resolveWith({ OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'http://127.0.0.1:4318/v1/traces', OTEL_EXPORTER_OTLP_ENDPOINT: 'http://127.0.0.1:4319' });
    expect(config.otlpEndpoint).toBe('http://127.0.0.1:4318/v1/traces');
    expect(resolveWith({ OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: ' ', OTEL_EXPORTER_OTLP_ENDPOINT: 'http://127.0.0.1:4319' }).config.otlpEndpoint).toBe('http://127.0.0.1:4319');
  });

  it('reports each bad variable of one environment, and keeps the good ones', () => {
    const { config, problems } = resolveWith({
      OTEL_AGENT_AUDIT_MAX_QUEUE_SIZE: 'abc',
      OTEL_LOG_LEVEL: 'loud',
      OTEL_AGENT_AUDIT_MAX_CONTENT_LENGTH: '99',
    });
    expect(problems.map((p) => p.envKey).sort()).toEqual(['OTEL_AGENT_AUDIT_MAX_QUEUE_SIZE', 'OTEL_LOG_LEVEL']);
    expect(config.maxContentLength).toBe(99);
  });

  it('shortens a very long bad value in the message', () => {
    const { problems } = resolveWith({ OTEL_LOG_LEVEL: 'x'.repeat(500) });
    expect(problems[0]?.message.length).toBeLessThan(250);
  });

  it('is frozen and reads nothing but the object it is given', () => {
    const { config } = resolveWith({});
    expect(Object.isFrozen(config)).toBe(true);
    expect(Object.keys(config).sort()).toEqual(Object.keys(OPTIONS).sort());
  });
});

describe('resolveEnv', () => {
  it('holds only what the environment sets validly', () => {
    const values = resolveEnv({ OTEL_AGENT_AUDIT_MAX_QUEUE_SIZE: '12', OTEL_LOG_LEVEL: 'nope', UNRELATED: 'x' }, () => {});
    expect(values).toEqual({ maxQueueSize: 12 });
  });
});
