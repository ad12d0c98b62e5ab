import { diag } from '@opentelemetry/api';
import { createWriteStream, type WriteStream } from 'node:fs';
import { mkdir, open } from 'node:fs/promises';
import { dirname } from 'node:path';

const log = diag.createComponentLogger({ namespace: 'otel-agent-audit:receiver' });

/**
 * Appends text to the JSONL audit trail through one buffered write stream.
 * Callers hand over whole lines (ending in `\n`), one write per request.
 *
 * A write error never reaches the request path: it is reported once through
 * `diag`, and from then on the receiver keeps events in memory only.
 */
export class JsonlAppender {
  private failed = false;

  private constructor(
    file: string,
    private readonly stream: WriteStream,
  ) {
    stream.on('error', (error) => {
      if (this.failed) return;
      this.failed = true;
      log.error(
        `writing the audit trail ${file} failed (${error.message}); ` +
          'events received from now on are kept in memory only and will not survive a restart. ' +
          'Check the disk and the file permissions.',
      );
    });
  }

  /**
   * Opens `file` for appending, creating it and its directory if needed.
   *
   * @throws Error when the file cannot be opened; the receiver then does not start.
   */
  static async open(file: string): Promise<JsonlAppender> {
    await mkdir(dirname(file), { recursive: true });
    const repair = await endsWithPartialLine(file);
    const stream = createWriteStream(file, { flags: 'a' });
    await new Promise<void>((resolve, reject) => {
      stream.once('open', () => resolve());
      stream.once('error', reject);
    });
    const appender = new JsonlAppender(file, stream);
    // A crash mid-write can leave a last line without its newline; without
    // this the next record would be glued onto it and both lost on reload.
    if (repair) appender.append('\n');
    return appender;
  }

  /** Queues `text` for writing; never throws. */
  append(text: string): void {
    if (this.failed) return;
    this.stream.write(text);
  }

  /** Flushes what is queued and closes the file; resolves even after a write error. */
  close(): Promise<void> {
    return new Promise((resolve) => {
      if (this.stream.destroyed) return resolve();
      this.stream.once('close', () => resolve());
      this.stream.end();
    });
  }
}

/** Whether `file` exists, is non-empty and does not end with a newline. */
async function endsWithPartialLine(file: string): Promise<boolean> {
  let handle;
  try {
    handle = await open(file, 'r');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return false;
    throw error;
  }
  try {
    const { size } = await handle.stat();
    if (size === 0) return false;
    const last = Buffer.alloc(1);
    await handle.read(last, 0, 1, size - 1);
    return last[0] !== 0x0a;
  } finally {
    await handle.close();
  }
}
