import type { IncomingMessage, ServerResponse } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';

/**
 * What a test wants the server to answer instead of handling a request
 * normally. A string `body` is sent verbatim (so a test can send malformed
 * JSON); anything else is JSON-encoded. `delayMillis` holds the reply back
 * (a slow server); `destroy: true` resets the connection without answering.
 */
export type ScriptedReply =
  | {
      status: number;
      headers?: Record<string, string>;
      body?: unknown;
      delayMillis?: number;
      destroy?: false;
    }
  | { destroy: true; delayMillis?: number };

/**
 * Sends a scripted reply and returns the status to record: the status sent,
 * or 0 when the socket was destroyed (by the script, by the client giving up
 * during a delay, or by the server closing).
 *
 * @example
 * record.status = await sendScriptedReply(req, res, { status: 429, headers: { 'retry-after': '0' } }, signal);
 */
export async function sendScriptedReply(
  req: IncomingMessage,
  res: ServerResponse,
  reply: ScriptedReply,
  signal: AbortSignal,
): Promise<number> {
  if (reply.delayMillis !== undefined && reply.delayMillis > 0) {
    try {
      await sleep(reply.delayMillis, undefined, { signal });
    } catch {
      return 0; // the server is closing; its sockets are being destroyed
    }
  }
  if (res.destroyed) return 0;
  if (reply.destroy === true) {
    // A TCP RST, so the client sees ECONNRESET as with a real dropped connection.
    req.socket.resetAndDestroy();
    return 0;
  }
  const isRaw = typeof reply.body === 'string';
  const text = reply.body === undefined ? '' : isRaw ? (reply.body as string) : JSON.stringify(reply.body);
  const headers: Record<string, string> = { 'content-length': String(Buffer.byteLength(text)) };
  if (text !== '') headers['content-type'] = 'application/json; charset=utf-8';
  // Lower-cased so a script's 'Content-Type' replaces ours instead of doubling it.
  for (const [name, value] of Object.entries(reply.headers ?? {})) headers[name.toLowerCase()] = value;
  res.writeHead(reply.status, headers);
  res.end(text);
  return reply.status;
}
