/**
 * Reads a request body up to a limit, so a client cannot make the gateway
 * hold more than that in memory: a `Content-Length` over it is refused before
 * a byte is read, a chunked body as soon as it passes it.
 */
import type { IncomingMessage } from 'node:http';
import { OtlpRequestError } from './otlp-request.js';

/**
 * The whole body of `req`, at most `maxBytes`.
 *
 * @throws OtlpRequestError 413 past `maxBytes`.
 * @example
 * const body = await readBody(req, 4 << 20);
 */
export function readBody(req: IncomingMessage, maxBytes: number): Promise<Buffer> {
  const declared = Number(req.headers['content-length']);
  if (Number.isFinite(declared) && declared > maxBytes) return Promise.reject(tooLarge(maxBytes));
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > maxBytes) {
        // Stop buffering; what else arrives is read and dropped so the 413 can still be sent on this connection.
        req.removeAllListeners('data');
        req.resume();
        reject(tooLarge(maxBytes));
        return;
      }
      chunks.push(chunk);
    });
    req.once('end', () => resolve(Buffer.concat(chunks, size)));
    req.once('error', reject);
  });
}

function tooLarge(maxBytes: number): OtlpRequestError {
  return new OtlpRequestError(413, `the body is larger than the gateway's limit of ${maxBytes} bytes (maxBodyBytes); send smaller batches (the SDK's maxExportBatchSize)`);
}
