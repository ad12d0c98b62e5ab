import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** A node:http server bound to 127.0.0.1 on a port the OS picked. */
export interface LoopbackServer {
  server: Server;
  /** `http://127.0.0.1:<port>`, no trailing slash. */
  url: string;
  /** Stops listening and destroys every open socket, keep-alive ones included. Safe to call twice. */
  close(): Promise<void>;
}

/**
 * Starts `handler` on `127.0.0.1:0`. Loopback only, so a test server is never
 * reachable from outside the machine; port 0, so parallel test files never collide.
 *
 * @example
 * const { url, close } = await listenOnLoopback((req, res) => res.end());
 */
export async function listenOnLoopback(
  handler: (req: IncomingMessage, res: ServerResponse) => void,
): Promise<LoopbackServer> {
  const server = createServer(handler);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  return { server, url: `http://127.0.0.1:${port}`, close: () => closeServer(server) };
}

function closeServer(server: Server): Promise<void> {
  return new Promise((resolve, reject) => {
    server.close((error) => {
      const code = (error as NodeJS.ErrnoException | undefined)?.code;
      if (error !== undefined && code !== 'ERR_SERVER_NOT_RUNNING') reject(error);
      else resolve();
    });
    // server.close() alone waits for busy keep-alive sockets (and for replies
    // still held back by a scripted delay); destroying them lets a test end at once.
    server.closeAllConnections();
  });
}

/** Reads the whole request body. Rejects if the client aborts mid-body. */
export function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

/** A request body as JSON; undefined when it is empty or not JSON (the servers answer that themselves). */
export function parseJson(text: string): unknown {
  try {
    return text === '' ? undefined : (JSON.parse(text) as unknown);
  } catch {
    return undefined;
  }
}

/** Sends `body` as JSON and returns the status, or 0 when the client was already gone. */
export function sendJson(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): number {
  if (res.destroyed) return 0;
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': String(Buffer.byteLength(text)),
    ...headers,
  });
  res.end(text);
  return status;
}

/** The media type of a Content-Type header, lower-cased, without parameters such as charset. */
export function mediaTypeOf(contentType: string | undefined): string {
  return (contentType ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
}
