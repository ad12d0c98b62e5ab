import type { IncomingMessage, ServerResponse } from 'node:http';
import { BodyLimitError } from './body-limit-error.js';
import { HttpError } from './http-error.js';
import { exceedsJsonDepth } from './json-depth.js';

/** Largest request body the receiver reads by default: 5 MiB, well above 100 events. */
export const MAX_BODY_BYTES = 5 * 1024 * 1024;

/** Deepest JSON nesting a request body may have by default; an audit event needs far fewer levels. */
export const MAX_JSON_DEPTH = 64;

/** What a request body may be: its size in bytes and how deeply its JSON nests. */
export interface BodyLimits {
  maxBodyBytes: number;
  maxJsonDepth: number;
}

/** A parsed request body, with the text it was parsed from. */
export interface JsonBody {
  value: unknown;
  text: string;
}

/**
 * Reads a request body and parses it as JSON, exactly once.
 *
 * @throws HttpError 415 for a non-JSON content type or a compressed body,
 *   413 above `limits.maxBodyBytes`, 400 for an empty or unparsable body or
 *   one nested deeper than `limits.maxJsonDepth`.
 */
export async function readJsonBody(req: IncomingMessage, limits: BodyLimits): Promise<JsonBody> {
  const mediaType = (req.headers['content-type'] ?? '').split(';', 1)[0]?.trim().toLowerCase();
  if (mediaType !== 'application/json') {
    throw new HttpError(415, `expected content-type application/json, got ${describe(req.headers['content-type'])}`);
  }
  const encoding = req.headers['content-encoding'];
  if (encoding !== undefined && encoding.toLowerCase() !== 'identity') {
    throw new HttpError(415, `content-encoding '${encoding}' is not supported; send the JSON body uncompressed`);
  }
  const declared = Number(req.headers['content-length']);
  if (declared > limits.maxBodyBytes) throw tooLarge(limits.maxBodyBytes);

  const text = await readText(req, limits.maxBodyBytes);
  if (text.length === 0) throw new HttpError(400, 'request body is empty; expected a JSON object');
  // Before parsing: what is parsed must be serialisable again, for the
  // response, the trail and the trail's reload (json-depth.ts).
  if (exceedsJsonDepth(text, limits.maxJsonDepth)) {
    throw new BodyLimitError(
      400,
      `request body is nested too deeply: its JSON goes deeper than ${limits.maxJsonDepth} levels of objects and arrays, ` +
        "the receiver's limit (maxJsonDepth); nothing from this request was stored",
    );
  }
  try {
    return { value: JSON.parse(text) as unknown, text };
  } catch (error) {
    throw new HttpError(400, `request body is not valid JSON: ${(error as Error).message}`);
  }
}

/** Sends an already-serialised JSON body; serialising once is the caller's job. */
export function sendJson(
  res: ServerResponse,
  status: number,
  json: string,
  headers: Readonly<Record<string, string>> = {},
): void {
  // Encode once: the length is then free, and the socket gets bytes, not a
  // (possibly concatenated, unflattened) string to encode during the write.
  const body = Buffer.from(json, 'utf8');
  res.writeHead(status, {
    ...headers,
    'content-type': 'application/json; charset=utf-8',
    'content-length': body.length,
  });
  res.end(body);
}

/** Sends the receiver's one error shape, `{"error": "<message>"}`. */
export function sendError(
  res: ServerResponse,
  status: number,
  message: string,
  headers: Readonly<Record<string, string>> = {},
): void {
  sendJson(res, status, JSON.stringify({ error: message }), headers);
}

function readText(req: IncomingMessage, maxBodyBytes: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let settled = false;
    const fail = (error: Error): void => {
      if (settled) return;
      settled = true;
      chunks.length = 0;
      reject(error);
    };
    req.on('data', (chunk: Buffer) => {
      if (settled) return;
      size += chunk.length;
      // Stop buffering at once; the 413 closes the connection, so the rest
      // of an oversized body is never read.
      if (size > maxBodyBytes) return fail(tooLarge(maxBodyBytes));
      chunks.push(chunk);
    });
    req.once('end', () => {
      if (settled) return;
      settled = true;
      const body = chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, size);
      resolve(body.toString('utf8'));
    });
    req.once('error', fail);
    req.once('close', () => fail(new Error('client closed the connection before the body was complete')));
  });
}

function tooLarge(maxBodyBytes: number): HttpError {
  return new BodyLimitError(
    413,
    `request body exceeds ${maxBodyBytes} bytes, the receiver's limit (maxBodyBytes); nothing from this request was stored. ` +
      'Send fewer events per request',
    { connection: 'close' },
  );
}

function describe(value: string | undefined): string {
  return value === undefined ? 'none' : `'${value}'`;
}
