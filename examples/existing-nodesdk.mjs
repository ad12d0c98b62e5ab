// An app that already runs the OpenTelemetry NodeSDK with an OTLP exporter
// adds audit export beside it: one more span processor, nothing replaced.
// It runs on either SDK line: `@opentelemetry/sdk-trace` (2.9+ and 3.x) has
// the processors, which take `{ exporter }` (SDK 2.x's sdk-trace-base takes
// the exporter itself: new BatchSpanProcessor(exporter)).
//
//   OTEL_EXPORTER_OTLP_ENDPOINT=http://127.0.0.1:4318 \
//   SECUREAGENTICS_API_KEY=dev SECUREAGENTICS_BASE_URL=http://127.0.0.1:8787 \
//     node examples/existing-nodesdk.mjs
import { trace } from '@opentelemetry/api';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { NodeSDK } from '@opentelemetry/sdk-node';
import { BatchSpanProcessor } from '@opentelemetry/sdk-trace';
import { auditSpanProcessor, withLLMCall, withSession } from 'otel-agent-audit';

const audit = auditSpanProcessor(); // Secureagentics, configured from SECUREAGENTICS_* env vars
const sdk = new NodeSDK({
  serviceName: 'existing-app',
  spanProcessors: [new BatchSpanProcessor({ exporter: new OTLPTraceExporter() }), audit],
});
sdk.start();

await withSession({ agentName: 'billing-agent' }, async () => {
  // Spans from the app's other instrumentation inside the session carry its id too.
  trace.getTracer('billing-db').startActiveSpan('SELECT invoices', (span) => span.end());
  await withLLMCall({ model: 'claude-sonnet-4', provider: 'anthropic', messages: [{ role: 'user', content: 'Summarise invoice 7' }] }, async () => ({
    type: 'message',
    id: 'msg_1',
    role: 'assistant',
    model: 'claude-sonnet-4',
    content: [{ type: 'text', text: 'Invoice 7: 3 items, 120 EUR, paid.' }],
    stop_reason: 'end_turn',
    usage: { input_tokens: 12, output_tokens: 11 },
  }));
});

await sdk.shutdown(); // shuts down every processor, the audit one included
console.log(JSON.stringify(audit.stats().backends));
