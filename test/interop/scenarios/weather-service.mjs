// The agent's tool calls a small weather service over node:http, served in
// this same process: with @opentelemetry/instrumentation-http enabled, that
// makes a real HTTP client span and a real HTTP server span inside the
// session's trace. Neither is agent activity: the audit trail must not grow.
import { createRequire } from 'node:module';

let service;

/** Loaded on first use, after the harness enabled the HTTP instrumentation (it patches `require('http')`). */
function http() {
  return createRequire(import.meta.url)('node:http');
}

function start() {
  service ??= new Promise((resolve, reject) => {
    const server = http().createServer((req, res) => {
      const city = new URL(req.url, 'http://127.0.0.1').searchParams.get('city');
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify({ city, temperature_c: 12, conditions: 'light rain' }));
    });
    server.unref();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve(server.address().port));
  });
  return service;
}

/** The tool: the weather for `city`, from the service. */
export async function getWeather({ city }) {
  const port = await start();
  return new Promise((resolve, reject) => {
    http()
      .get({ host: '127.0.0.1', port, path: `/weather?city=${encodeURIComponent(city)}`, agent: false }, (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (chunk) => (body += chunk));
        res.on('end', () => resolve(JSON.parse(body)));
      })
      .on('error', reject);
  });
}
