// A controllable HTTP proxy on 127.0.0.1 in front of the receiver, run in the
// runner's process so a scenario switches its mode with a call:
//   pass       forward requests and answers as they are;
//   refuse     stop listening and cut every open connection: new connects get
//              ECONNREFUSED, keep-alive sockets die, until the next mode
//              listens again on the same port;
//   blackhole  accept TCP connections (and requests on open keep-alive
//              sockets) and never answer: only the client's timeout ends them;
//   slow-body  forward, then send the answer's body a few bytes at a time.
//              A body still trickling when the mode ends gets the rest at
//              once, so a slow phase ends when the scenario says;
//   flap       refuse / pass, toggling every `flapMillis`.
// It records the event ids of every event batch the receiver answered 2xx:
// that is what the receiver acknowledged, whether or not the answer then
// reached the client (a cut socket, a killed agent), so an id acknowledged
// twice is a duplicate the agent re-sent.
import { Agent, createServer as createHttpServer, request as httpRequest } from 'node:http';
import { createServer as createNetServer } from 'node:net';
import { eventIdsOfRequest } from './wire-events.mjs';

const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'transfer-encoding', 'proxy-connection', 'upgrade', 'te', 'trailer']);
const noop = () => {};

/**
 * @example
 * const proxy = await startProxy({ upstream: receiver.url });
 * await proxy.setMode('refuse'); … await proxy.setMode('pass');
 * proxy.duplicateAcks(); await proxy.close();
 */
export async function startProxy(options) {
  const proxy = new ChaosProxy(options);
  await proxy.setMode('pass');
  return proxy;
}

export class ChaosProxy {
  /** The mode asked for (`flap` included) and the one in effect right now. */
  mode = 'pass';
  #effective = 'closed';
  #listener;
  #port = 0;
  #upstream;
  #flapTimer;
  #flapMillis;
  #slow;
  #sockets = new Set();
  #trickling = new Set();
  #acks = new Map();
  #agent = new Agent({ keepAlive: true, maxSockets: 64 });
  // requestTimeout 0: a blackholed request must hang until the client gives up, not get Node's 408.
  #http = createHttpServer({ requestTimeout: 0 }, (req, res) => void this.#handle(req, res));
  counters = { requests: 0, answered2xx: 0, upstreamErrors: 0, blackholedConnections: 0, blackholedRequests: 0, slowed: 0, slowAbandoned: 0, cutByRefuse: 0 };

  constructor({ upstream, flapMillis = 2_000, slowBytes = 16, slowIntervalMillis = 250 }) {
    this.#upstream = new URL(upstream);
    this.#flapMillis = flapMillis;
    this.#slow = { bytes: slowBytes, intervalMillis: slowIntervalMillis };
  }

  get url() {
    return `http://127.0.0.1:${this.#port}`;
  }

  /** Where requests go from now on (a restarted receiver may listen elsewhere). */
  setUpstream(url) {
    this.#upstream = new URL(url);
  }

  async setMode(mode) {
    if (!['pass', 'refuse', 'blackhole', 'slow-body', 'flap'].includes(mode)) throw new TypeError(`unknown proxy mode '${mode}'`);
    clearInterval(this.#flapTimer);
    this.mode = mode;
    if (mode !== 'flap') return this.#apply(mode);
    await this.#apply('refuse');
    this.#flapTimer = setInterval(() => {
      this.#apply(this.#effective === 'refuse' ? 'pass' : 'refuse').catch((error) => console.error(`chaos proxy: flapping failed: ${error.message}`));
    }, this.#flapMillis);
  }

  /** Acknowledgements beyond the first, summed over all event ids. */
  duplicateAcks() {
    let extra = 0;
    for (const count of this.#acks.values()) extra += count - 1;
    return extra;
  }

  /** Every event id the receiver acknowledged at least once. */
  acknowledgedIds() {
    return this.#acks.keys();
  }

  get acknowledged() {
    return this.#acks.size;
  }

  async close() {
    clearInterval(this.#flapTimer);
    await this.#apply('refuse');
    this.#agent.destroy();
  }

  async #apply(mode) {
    const previous = this.#effective;
    this.#effective = mode;
    if (previous === 'slow-body' && mode !== 'slow-body') for (const finish of [...this.#trickling]) finish();
    if (mode === 'refuse') return this.#stopListening();
    if (this.#listener === undefined) await this.#listen();
  }

  #listen() {
    return new Promise((resolve, reject) => {
      const listener = createNetServer((socket) => this.#accept(socket));
      listener.once('error', reject);
      // The same port every time: the agent's base URL never changes.
      listener.listen(this.#port, '127.0.0.1', () => {
        listener.off('error', reject);
        this.#listener = listener;
        this.#port = listener.address().port;
        resolve();
      });
    });
  }

  #stopListening() {
    this.#listener?.close();
    this.#listener = undefined;
    for (const socket of this.#sockets) {
      this.counters.cutByRefuse++;
      socket.destroy();
    }
  }

  #accept(socket) {
    this.#sockets.add(socket);
    socket.once('close', () => this.#sockets.delete(socket));
    socket.on('error', noop);
    if (this.#effective !== 'blackhole') return this.#http.emit('connection', socket);
    // Read and discard, never answer: the connection stays open until the client gives up.
    this.counters.blackholedConnections++;
    socket.resume();
  }

  async #handle(req, res) {
    this.counters.requests++;
    if (this.#effective === 'blackhole') return void this.counters.blackholedRequests++;
    const body = await readAll(req).catch(() => undefined);
    if (body === undefined) return;
    let answer;
    try {
      answer = await this.#forward(req, body);
    } catch (error) {
      // The receiver is down (killed): a gateway error the client retries.
      this.counters.upstreamErrors++;
      return send(res, 502, {}, Buffer.from(JSON.stringify({ error: `chaos proxy: upstream ${error.code ?? error.message}` })));
    }
    if (answer.status >= 200 && answer.status < 300) this.#recordAcks(req, body);
    if (this.#effective === 'slow-body') return this.#trickle(res, answer);
    send(res, answer.status, answer.headers, answer.body);
  }

  #forward(req, body) {
    const headers = withoutHopByHop(req.headers);
    headers.host = this.#upstream.host;
    headers['content-length'] = String(body.length);
    return new Promise((resolve, reject) => {
      const upstream = httpRequest(
        { host: this.#upstream.hostname, port: this.#upstream.port, method: req.method, path: req.url, headers, agent: this.#agent },
        (response) => readAll(response).then((text) => resolve({ status: response.statusCode, headers: withoutHopByHop(response.headers), body: text }), reject),
      );
      upstream.once('error', reject);
      upstream.end(body);
    });
  }

  #recordAcks(req, body) {
    this.counters.answered2xx++;
    for (const id of eventIdsOfRequest(req.method, req.url, body.toString('utf8'))) this.#acks.set(id, (this.#acks.get(id) ?? 0) + 1);
  }

  #trickle(res, answer) {
    this.counters.slowed++;
    res.writeHead(answer.status, { ...answer.headers, 'content-length': String(answer.body.length) });
    let offset = 0;
    const stop = () => (clearInterval(timer), this.#trickling.delete(finish));
    const finish = () => (stop(), res.end(answer.body.subarray(offset)));
    const timer = setInterval(() => {
      const next = answer.body.subarray(offset, offset + this.#slow.bytes);
      offset += next.length;
      if (offset >= answer.body.length) return finish();
      res.write(next);
    }, this.#slow.intervalMillis);
    this.#trickling.add(finish);
    res.once('close', () => {
      if (!res.writableFinished) this.counters.slowAbandoned++;
      stop();
    });
  }
}

function readAll(stream) {
  return new Promise((resolve, reject) => {
    const chunks = [];
    stream.on('data', (chunk) => chunks.push(chunk));
    stream.once('end', () => resolve(Buffer.concat(chunks)));
    stream.once('error', reject);
    stream.once('aborted', () => reject(new Error('aborted')));
  });
}

function withoutHopByHop(headers) {
  const out = {};
  for (const [name, value] of Object.entries(headers)) if (!HOP_BY_HOP.has(name) && value !== undefined) out[name] = value;
  return out;
}

function send(res, status, headers, body) {
  if (res.destroyed) return;
  res.writeHead(status, { ...headers, 'content-type': headers['content-type'] ?? 'application/json', 'content-length': String(body.length) });
  res.end(body);
}
