// The process-wide resolution. The modules are loaded fresh after the
// environment is stubbed, so no earlier reading (a setup file, another
// import) can have filled the memo first.
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { CONFIG_WARNING_CODE } from '../../../src/config/config-warning.js';

const emit = vi.spyOn(process, 'emitWarning').mockImplementation(() => {});
let readEnv: typeof import('../../../src/config/env.js').readEnv;
let readConfig: typeof import('../../../src/config/env.js').readConfig;
let resolveDeliveryConfig: typeof import('../../../src/config/resolve.js').resolveDeliveryConfig;

beforeAll(async () => {
  vi.stubEnv('OTEL_AGENT_AUDIT_MAX_QUEUE_SIZE', 'abc');
  vi.stubEnv('OTEL_AGENT_AUDIT_MAX_CONTENT_LENGTH', '2048');
  vi.stubEnv('SECUREAGENTICS_API_KEY', 'sa_live_secret');
  vi.resetModules();
  ({ readEnv, readConfig } = await import('../../../src/config/env.js'));
  ({ resolveDeliveryConfig } = await import('../../../src/config/resolve.js'));
});

afterAll(() => {
  vi.unstubAllEnvs();
  emit.mockRestore();
});

describe('readEnv() and readConfig(), on the process environment', () => {
  it('reads process.env once and warns about a bad value once, however many modules ask', () => {
    for (let i = 0; i < 4; i++) {
      readEnv();
      readConfig();
      resolveDeliveryConfig({});
    }
    const ours = emit.mock.calls.filter(([, options]) => (options as { code?: string } | undefined)?.code === CONFIG_WARNING_CODE);
    expect(ours).toEqual([
      ['otel-agent-audit: OTEL_AGENT_AUDIT_MAX_QUEUE_SIZE="abc" is not a positive integer; using 20000 (the default).', { code: CONFIG_WARNING_CODE }],
    ]);
    expect(resolveDeliveryConfig({}).maxQueueSize).toBe(20_000);
    expect(readConfig().maxContentLength).toBe(2048);
  });

  it('keeps the first reading when process.env changes later', () => {
    const first = readEnv();
    vi.stubEnv('OTEL_AGENT_AUDIT_MAX_CONTENT_LENGTH', '1');
    expect(readEnv()).toBe(first);
    expect(readEnv().maxContentLength).toBe(2048);
    expect(readConfig().maxContentLength).toBe(2048);
  });

  it('never puts a credential in a warning', () => {
    const text = emit.mock.calls.map((call) => String(call[0])).join('\n');
    expect(text).not.toContain('sa_live_secret');
    expect(readEnv().secureagenticsApiKey).toBe('sa_live_secret');
  });
});

describe('readEnv(env)', () => {
  it('resolves the given object now, in the AuditEnv shape, without touching process.env', () => {
    const env = readEnv(
      {
        SECUREAGENTICS_API_KEY: 'k1',
        SECUREAGENTICS_AGENT_ID: 'agt_1',
        SECUREAGENTICS_AGENT_NAME: 'bot',
        SECUREAGENTICS_BASE_URL: 'http://127.0.0.1:1',
        AGENTOPS_API_KEY: 'k2',
        AGENTOPS_BASE_URL: 'http://127.0.0.1:2',
        AGENTAUDIT_URL: 'http://127.0.0.1:3',
        AGENTAUDIT_KEY: 'k3',
        AGENTSUDO_API_KEY: 'k4',
        AGENTSUDO_BASE_URL: 'http://127.0.0.1:4',
        OTEL_EXPORTER_OTLP_ENDPOINT: 'http://127.0.0.1:5',
        OTEL_AGENT_AUDIT_MAX_QUEUE_SIZE: '10',
        OTEL_AGENT_AUDIT_SHUTDOWN_TIMEOUT_MILLIS: '20',
        OTEL_AGENT_AUDIT_MAX_CONTENT_LENGTH: '30',
        OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT: 'false',
        OTEL_LOG_LEVEL: 'debug',
      },
      () => {},
    );
    expect(env).toEqual({
      secureagenticsApiKey: 'k1',
      secureagenticsAgentId: 'agt_1',
      secureagenticsAgentName: 'bot',
      secureagenticsBaseUrl: 'http://127.0.0.1:1',
      agentopsApiKey: 'k2',
      agentopsBaseUrl: 'http://127.0.0.1:2',
      agenticAuditUrl: 'http://127.0.0.1:3',
      agenticAuditKey: 'k3',
      agentsudoApiKey: 'k4',
      agentsudoBaseUrl: 'http://127.0.0.1:4',
      otlpEndpoint: 'http://127.0.0.1:5',
      maxQueueSize: 10,
      shutdownTimeoutMillis: 20,
      maxContentLength: 30,
      captureMessageContent: false,
      logLevel: 'DEBUG',
    });
  });

  it('leaves unset and invalid values undefined, so callers keep option ?? env ?? default', () => {
    const problems: string[] = [];
    const env = readEnv({ OTEL_AGENT_AUDIT_MAX_QUEUE_SIZE: '-1' }, (problem) => problems.push(problem.envKey));
    expect(env.maxQueueSize).toBeUndefined();
    expect(env.secureagenticsBaseUrl).toBeUndefined();
    expect(problems).toEqual(['OTEL_AGENT_AUDIT_MAX_QUEUE_SIZE']);
  });
});
