import { request } from 'node:http';
import { listenOnLoopback, readBody, sendJson } from './loopback-server.js';

export interface LostAnswerProxy {
  /** `http://127.0.0.1:<port>`: point the backend here instead of at the server. */
  url: string;
  /** Paths whose answer was replaced, in order. */
  lost: string[];
  close(): Promise<void>;
}

/**
 * A loopback proxy in front of `targetUrl` that forwards every request, but
 * for the requests `loseAnswer(path, n)` picks (`n` counts earlier requests
 * to that path) it throws the server's answer away and replies 503, as a
 * gateway does when its upstream timed out: the server did process the
 * request, the client believes it did not.
 *
 * @example
 * const proxy = await startLostAnswerProxy(server.url, (path, n) => path === '/v2/create_events' && n === 0);
 */
export async function startLostAnswerProxy(targetUrl: string, loseAnswer: (path: string, n: number) => boolean): Promise<LostAnswerProxy> {
  const counts = new Map<string, number>();
  const lost: string[] = [];
  const loopback = await listenOnLoopback((req, res) => {
    void (async () => {
      const body = await readBody(req);
      const path = new URL(req.url ?? '/', 'http://127.0.0.1').pathname;
      const n = counts.get(path) ?? 0;
      counts.set(path, n + 1);
      const upstream = request(`${targetUrl}${req.url ?? '/'}`, { method: req.method, headers: req.headers }, (answer) => {
        void readBody(answer).then((text) => {
          if (loseAnswer(path, n)) {
            lost.push(path);
            sendJson(res, 503, { error: 'upstream request timeout' });
            return;
          }
          res.writeHead(answer.statusCode ?? 502, answer.headers);
          res.end(text);
        });
      });
      upstream.on('error', (error) => sendJson(res, 502, { error: `proxy: ${error.message}` }));
      upstream.end(body);
    })().catch(() => res.destroy());
  });
  return { url: loopback.url, lost, close: () => loopback.close() };
}
