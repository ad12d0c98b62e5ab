// The interop harness for scenarios whose framework needs Node >= 22.13
// (test/node22 has its own package.json and node_modules; every import here
// resolves from there, `otel-agent-audit` being a link to the built root
// package). It sets up what an app would: a NodeTracerProvider with the audit
// span processor (Secureagentics backend → the local receiver the test
// started) and a raw capture, a LoggerProvider with the audit log-record
// processor, and the undici and http instrumentations, so real HTTP client
// and server spans exist beside the framework's spans. Settings come from the
// environment runScenario (test/interop/run-scenario.ts) passes:
//   INTEROP_RECEIVER_URL, INTEROP_RECEIVER_KEY  the audit receiver
//   INTEROP_MODEL_URL, INTEROP_MODEL_KEY        the fake OpenAI server (base URL incl. /v1)
//   INTEROP_CAPTURE_FILE                        optional: dump raw spans and log records here
import { readFileSync, writeFileSync } from 'node:fs';
import { diag, DiagConsoleLogger, DiagLogLevel } from '@opentelemetry/api';
import { logs } from '@opentelemetry/api-logs';
import { registerInstrumentations } from '@opentelemetry/instrumentation';
import { HttpInstrumentation } from '@opentelemetry/instrumentation-http';
import { UndiciInstrumentation } from '@opentelemetry/instrumentation-undici';
import { LoggerProvider } from '@opentelemetry/sdk-logs';
import { NodeTracerProvider } from '@opentelemetry/sdk-trace-node';
import { auditLogRecordProcessor, auditSpanProcessor, secureagentics } from 'otel-agent-audit';
import { Capture } from '../../interop/scenarios/capture.mjs';
import { AGENT } from '../../interop/scenarios/framework-tools.mjs';

function required(name) {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set: run this scenario through its test (test/node22/*.test.ts)`);
  return value;
}

export const env = {
  receiverUrl: required('INTEROP_RECEIVER_URL'),
  receiverKey: required('INTEROP_RECEIVER_KEY'),
  modelUrl: required('INTEROP_MODEL_URL'),
  modelKey: required('INTEROP_MODEL_KEY'),
  captureFile: process.env.INTEROP_CAPTURE_FILE,
};

/** Installs tracing, logs and the HTTP instrumentations; returns the provider and a shutdown. */
export function startTelemetry({ scenario, packages = [] }) {
  // Audit warnings (losses, configuration errors) reach the test through stderr.
  diag.setLogger(new DiagConsoleLogger(), { logLevel: DiagLogLevel.WARN });
  const capture = new Capture();
  const audit = auditSpanProcessor({
    backends: [secureagentics({ baseUrl: env.receiverUrl, apiKey: env.receiverKey, agentName: AGENT })],
  });
  const tracerProvider = new NodeTracerProvider({ spanProcessors: [audit, capture.spanProcessor] });
  tracerProvider.register();
  const loggerProvider = new LoggerProvider({ processors: [auditLogRecordProcessor(audit), capture.logProcessor] });
  logs.setGlobalLoggerProvider(loggerProvider);
  registerInstrumentations({
    instrumentations: [new UndiciInstrumentation(), new HttpInstrumentation()],
    tracerProvider,
    loggerProvider,
  });

  return {
    audit,
    tracerProvider,
    loggerProvider,
    /** Delivers the trail, then writes the capture when asked for. */
    async shutdown() {
      await loggerProvider.shutdown();
      await tracerProvider.shutdown();
      if (env.captureFile) writeCapture(capture, scenario, packages);
      // The test checks these made no audit events, and that our own exports made no spans.
      console.log(`http client spans: ${JSON.stringify(capture.httpClientUrls())}`);
      console.log(`node:http spans: ${JSON.stringify(capture.nodeHttpSpans())}`);
      console.log(`audit: ${JSON.stringify(audit.stats().backends)}`);
    },
  };
}

/**
 * capture.mjs looks versions up under the working directory (the repo root);
 * these packages live in test/node22/node_modules, so their versions are
 * filled in from here.
 */
function writeCapture(capture, scenario, packages) {
  capture.write(env.captureFile, scenario, []);
  const written = JSON.parse(readFileSync(env.captureFile, 'utf8'));
  written.packages = Object.fromEntries(packages.map((name) => [name, installedVersion(name)]));
  writeFileSync(env.captureFile, `${JSON.stringify(written, null, 2)}\n`);
}

function installedVersion(name) {
  try {
    return JSON.parse(readFileSync(new URL(`../node_modules/${name}/package.json`, import.meta.url), 'utf8')).version;
  } catch {
    return 'unknown';
  }
}
