// A minimal OTLP/HTTP JSON trace sink: parses each request (as a collector
// must), counts the spans, answers `{}`.
import { serveJson } from './json-sink.mjs';

let spans = 0;
serveJson('otlp-sink', (_url, body) => {
  for (const rs of body.resourceSpans ?? []) for (const ss of rs.scopeSpans ?? []) spans += ss.spans?.length ?? 0;
  return [200, '{}'];
});
