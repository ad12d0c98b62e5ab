// A cheap loopback JSON sink for the benchmark, run as its own process: reads
// and parses each request (as any server must) and answers what `respond`
// returns. Prints its URL first, for bench/processes.mjs.
import { createServer } from 'node:http';

export function serveJson(label, respond) {
  const server = createServer((req, res) => {
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => {
      const [status, body] = respond(req.url, JSON.parse(Buffer.concat(chunks).toString('utf8')));
      res.writeHead(status, { 'content-type': 'application/json' }).end(body);
    });
  });
  server.keepAliveTimeout = 30_000;
  server.listen(0, '127.0.0.1', () => console.log(`${label} listening on http://127.0.0.1:${server.address().port}`));
  process.on('SIGTERM', () => server.close(() => process.exit(0)));
}
