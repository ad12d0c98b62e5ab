// What every interop scenario sets up the way an app would: a tracer provider
// (otel-line.mjs: the same on SDK 2.x and 3.x) with the audit span processor
// (Secureagentics backend → the local receiver the test started), a
// LoggerProvider with the audit log-record processor,
// and the undici and http instrumentations, so real HTTP client and server
// spans exist beside the model-call spans. Settings come from the environment the test passes:
//   INTEROP_RECEIVER_URL, INTEROP_RECEIVER_KEY  the audit receiver
//   INTEROP_MODEL_URL, INTEROP_MODEL_KEY        the fake OpenAI server (base URL incl. /v1)
//   INTEROP_CAPTURE_FILE                        optional: dump raw spans and log records here
import { diag, DiagConsoleLogger, DiagLogLevel } from '@opentelemetry/api';
import { registerInstrumentations } from '@opentelemetry/instrumentation';
import { HttpInstrumentation } from '@opentelemetry/instrumentation-http';
import { UndiciInstrumentation } from '@opentelemetry/instrumentation-undici';
import { LoggerProvider } from '@opentelemetry/sdk-logs';
import { auditLogRecordProcessor, auditSpanProcessor, secureagentics } from 'otel-agent-audit';
import { Capture } from './capture.mjs';
import { logs, registeredTracerProvider } from './otel-line.mjs';

function required(name) {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set: run this scenario through its interop test`);
  return value;
}

export const env = {
  receiverUrl: required('INTEROP_RECEIVER_URL'),
  receiverKey: required('INTEROP_RECEIVER_KEY'),
  modelUrl: required('INTEROP_MODEL_URL'),
  modelKey: required('INTEROP_MODEL_KEY'),
  captureFile: process.env.INTEROP_CAPTURE_FILE,
};

/** The agent name every scenario registers with the receiver. */
export const AGENT_NAME = 'weather-agent';

/**
 * Installs tracing, logs and instrumentations. `instrumentations` are enabled
 * here, before the scenario loads the SDK they patch.
 */
export function startTelemetry({ scenario, instrumentations = [], packages = [] }) {
  // Audit warnings (losses, configuration errors) reach the test through stderr.
  diag.setLogger(new DiagConsoleLogger(), { logLevel: DiagLogLevel.WARN });
  const capture = new Capture();
  const audit = auditSpanProcessor({
    backends: [secureagentics({ baseUrl: env.receiverUrl, apiKey: env.receiverKey, agentName: AGENT_NAME })],
  });
  const tracerProvider = registeredTracerProvider([audit, capture.spanProcessor]);
  const loggerProvider = new LoggerProvider({ processors: [auditLogRecordProcessor(audit), capture.logProcessor] });
  logs.setGlobalLoggerProvider(loggerProvider);
  registerInstrumentations({
    instrumentations: [new UndiciInstrumentation(), new HttpInstrumentation(), ...instrumentations],
    tracerProvider,
    loggerProvider,
  });

  return {
    audit,
    /** Delivers the trail, then writes the capture when asked for. */
    async shutdown() {
      await loggerProvider.shutdown();
      await tracerProvider.shutdown();
      if (env.captureFile) capture.write(env.captureFile, scenario, packages);
      // The test checks these made no audit events, and that our own exports made no spans.
      console.log(`http client spans: ${JSON.stringify(capture.httpClientUrls())}`);
      console.log(`node:http spans: ${JSON.stringify(capture.nodeHttpSpans())}`);
      console.log(`audit: ${JSON.stringify(audit.stats().backends)}`);
      // Which SDK this run loaded: the test checks it is the app's it meant (scenario-location.ts).
      console.log(`sdk-trace: ${import.meta.resolve('@opentelemetry/sdk-trace')}`);
    },
  };
}
