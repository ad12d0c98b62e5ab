// A minimal Secureagentics-shaped sink for the benchmark, as cheap as
// otlp-sink.mjs: parses each batch (as any server must), counts the events,
// answers `{results: [], total}`. Not a contract server: it validates nothing.
import { createServer } from 'node:http';

let events = 0;
const server = createServer((req, res) => {
  const chunks = [];
  req.on('data', (c) => chunks.push(c));
  req.on('end', () => {
    const body = JSON.parse(Buffer.concat(chunks).toString('utf8'));
    if (req.url === '/v1/agents') {
      res.writeHead(201, { 'content-type': 'application/json' }).end(JSON.stringify({ id: 'agt_bench', name: body.name, framework: body.framework }));
      return;
    }
    events += body.events.length;
    res.writeHead(200, { 'content-type': 'application/json' }).end(`{"results":[],"total":${body.events.length}}`);
  });
});
server.keepAliveTimeout = 30_000;
server.listen(0, '127.0.0.1', () => console.log(`audit-sink listening on http://127.0.0.1:${server.address().port}`));
process.on('SIGTERM', () => server.close(() => process.exit(0)));
