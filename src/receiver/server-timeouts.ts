// The receiver's connection timeouts. Without them a client that opens a
// connection and sends its headers or body a byte at a time (slowloris)
// holds a socket, and the memory of a half-read body, for as long as it likes.
import type { Server, ServerOptions } from 'node:http';
import type { Socket } from 'node:net';

/** The timeouts a receiver's server applies, in milliseconds. */
export interface ServerTimeouts {
  headersTimeoutMillis: number;
  requestTimeoutMillis: number;
  keepAliveTimeoutMillis: number;
  idleTimeoutMillis: number;
}

/**
 * `createServer` options for the header, request and keep-alive timeouts.
 * Node checks the first two on a timer (`connectionsCheckingInterval`,
 * 30 s by default, which would let a 10 s limit run to 40 s), so the check
 * runs at a quarter of the shorter limit, at most once a second.
 *
 * @example
 * const server = createServer(serverTimeoutOptions(timeouts), handler);
 */
export function serverTimeoutOptions(timeouts: ServerTimeouts): ServerOptions {
  const { headersTimeoutMillis, requestTimeoutMillis, keepAliveTimeoutMillis } = timeouts;
  const check = Math.max(1, Math.min(1000, Math.floor(Math.min(headersTimeoutMillis, requestTimeoutMillis) / 4)));
  return {
    headersTimeout: headersTimeoutMillis,
    requestTimeout: requestTimeoutMillis,
    keepAliveTimeout: keepAliveTimeoutMillis,
    connectionsCheckingInterval: check,
  };
}

/**
 * Closes a socket that has had no traffic for `idleTimeoutMillis`, which the
 * header and request timeouts do not cover: a client that stops reading a
 * long answer. A socket whose request the receiver is still working on (its
 * events waiting for the disk) is left alone: cutting it would lose the
 * answer to a write that may well succeed.
 *
 * @example
 * closeIdleSockets(server, 60_000, (socket) => working.has(socket));
 */
export function closeIdleSockets(server: Server, idleTimeoutMillis: number, isWorking: (socket: Socket) => boolean): void {
  server.setTimeout(idleTimeoutMillis, (socket: Socket) => {
    if (!isWorking(socket)) socket.destroy();
  });
}
