/**
 * A local append-only audit log: one JSON object per line, for teams that
 * keep their own trail or ship files (Vector, Fluent Bit, a SIEM agent).
 */
import { open, type FileHandle } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import type { AuditEvent } from '../../model/audit-event.js';
import { invalidOption } from '../../errors.js';
import type { DeliveryOutcome } from '../../model/delivery-outcome.js';
import { untilAborted } from '../../deliver/until-aborted.js';
import { makeDirectory } from '../../deliver/make-directory.js';
import type { AuditBackend } from '../../model/audit-backend.js';
import { configurationFailure, ConfigurationProblems } from '../configuration-problems.js';
import { eventCount } from '../../model/event-count.js';

/** Options of {@link jsonlFile}. */
export interface JsonlFileOptions {
  /** The file to append to; created with its directory if missing. Relative paths resolve against the working directory. */
  path: string;
}

// Write errors a later attempt may not meet again; any other is the user's to fix.
const TRANSIENT = new Set(['ENOSPC', 'EAGAIN', 'EBUSY', 'EMFILE', 'ENFILE', 'EINTR', 'EIO']);

/**
 * Appends every audit event to `path` as one line of JSON:
 * `{"id","type","timestamp","trace_id","span_id","parent_span_id","session_id","agent_name","agent_id","payload"}`
 * (absent fields are left out). A batch is one append, so a reader never sees
 * half a batch of lines from one write; a file that ends in a partial line
 * (a crash mid-write) gets a newline first, so no line is glued to it.
 *
 * @throws {AuditError} `INVALID_OPTION` when `path` is not a non-empty string.
 * @example
 * setupAudit({ backends: [secureagentics(), jsonlFile({ path: '/var/log/agent/audit.jsonl' })] });
 */
export function jsonlFile(options: JsonlFileOptions): AuditBackend {
  if (typeof options?.path !== 'string' || options.path === '') throw invalidOption('jsonlFile.path', 'a file path', options?.path);
  return new JsonlFileBackend(resolve(options.path));
}

class JsonlFileBackend implements AuditBackend {
  readonly name = 'jsonl-file';
  readonly maxBatchSize = 1000;
  private handle: Promise<FileHandle> | undefined;
  private closed = false;
  /** Appends run one after another: concurrent batches must not interleave their lines. */
  private tail: Promise<unknown> = Promise.resolve();
  private readonly problems = new ConfigurationProblems(this.name);

  constructor(private readonly path: string) {}

  send(events: readonly AuditEvent[]): Promise<DeliveryOutcome> {
    const appended = this.tail.then(() => this.append(events));
    this.tail = appended;
    // An unwritable file fails every batch alike: said once, then only counted.
    return appended.then((outcome) => this.problems.told(outcome));
  }

  private async append(events: readonly AuditEvent[]): Promise<DeliveryOutcome> {
    if (this.closed) return { kind: 'rejected', reason: `jsonl-file: ${this.path} is closed (after shutdown)` };
    let text = '';
    try {
      for (const event of events) text += `${JSON.stringify(toLine(event))}\n`;
    } catch {
      return { kind: 'rejected', tooLarge: true, reason: `jsonl-file: ${eventCount(events.length)} too large to serialise in one write` };
    }
    try {
      const handle = await this.open();
      await handle.appendFile(text);
      return { kind: 'delivered' };
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code ?? '';
      const reason = `jsonl-file: could not append ${eventCount(events.length)} to ${this.path} (${(error as Error).message})`;
      if (TRANSIENT.has(code)) return { kind: 'retryable', reason };
      this.handle = undefined; // e.g. the directory was fixed: the next batch opens again
      const problem = `jsonl-file: cannot write ${this.path}${code ? ` (${code})` : ''}`;
      return configurationFailure(problem, `${reason}. Check that the directory exists and is writable, or point OTEL_AGENT_AUDIT_JSONL_FILE (or the jsonlFile path option) elsewhere.`);
    }
  }

  async shutdown(signal?: AbortSignal): Promise<void> {
    // A write stuck on a stalled disk (or a FIFO nobody reads) is not waited for past the deadline.
    await (signal ? untilAborted(this.tail, signal, () => undefined) : this.tail);
    this.closed = true;
    const handle = this.handle;
    this.handle = undefined;
    await handle?.then((h) => h.close()).catch(() => undefined);
  }

  private open(): Promise<FileHandle> {
    if (!this.handle) {
      this.handle = openForAppend(this.path);
      this.handle.catch(() => (this.handle = undefined));
    }
    return this.handle;
  }
}

async function openForAppend(path: string): Promise<FileHandle> {
  await makeDirectory(dirname(path));
  const handle = await open(path, 'a+');
  try {
    const { size } = await handle.stat();
    if (size > 0) {
      const last = Buffer.alloc(1);
      await handle.read(last, 0, 1, size - 1);
      if (last[0] !== 0x0a) await handle.appendFile('\n');
    }
  } catch (error) {
    await handle.close();
    throw error;
  }
  return handle;
}

/** Snake case like the backends' wire formats; undefined fields vanish in JSON. */
function toLine(event: AuditEvent): Record<string, unknown> {
  return {
    id: event.id,
    type: event.type,
    timestamp: event.timestamp,
    trace_id: event.traceId,
    span_id: event.spanId,
    parent_span_id: event.parentSpanId,
    session_id: event.sessionId,
    agent_name: event.agentName,
    agent_id: event.agentId,
    payload: event.payload,
  };
}
