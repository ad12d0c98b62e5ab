// A minimal Secureagentics-shaped sink, as cheap as otlp-sink.mjs: parses each
// batch, counts the events, answers `{results: [], total}`. Not a contract
// server: it validates nothing.
import { serveJson } from './json-sink.mjs';

let events = 0;
serveJson('audit-sink', (url, body) => {
  if (url === '/v1/agents') return [201, JSON.stringify({ id: 'agt_bench', name: body.name, framework: body.framework })];
  events += body.events.length;
  return [200, `{"results":[],"total":${body.events.length}}`];
});
