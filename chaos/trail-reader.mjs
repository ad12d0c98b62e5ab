// Reads the receiver's JSONL trail (src/receiver/trail.ts) incrementally:
// each poll() parses only complete lines added since the last one, so it can
// be called while the receiver is still writing. What it keeps:
//   - every stored event id (payload.event_id), to check acknowledged ids are in the file;
//   - the chaos ticks: `tool_call` events of tool `chaos.tick`, by "run seq";
//   - `audit.loss` custom events (deduplicated by id) and session start/end events.
// A line cut by a receiver kill -9 (and the newline the receiver adds on
// restart) is not JSON: it is counted as a bad line, not as an event.
import { open } from 'node:fs/promises';

const CHUNK_BYTES = 4 * 1024 * 1024;

export class TrailReader {
  #file;
  #offset = 0;
  #partial = Buffer.alloc(0);
  eventIds = new Set();
  /** "run seq" → how many stored records hold it (more than one: stored twice under different ids or agents). */
  ticks = new Map();
  /** event id → payload, of `audit.loss` events. */
  lossEvents = new Map();
  /** "sessionId name" of session.start / session.end events. */
  sessionEvents = new Set();
  records = 0;
  /** Records whose event id was already stored (the receiver deduplicates retries per agent only). */
  storedTwice = 0;
  badLines = 0;

  constructor(file) {
    this.#file = file;
  }

  /** Reads what was appended since the last poll; resolves the file size reached. */
  async poll() {
    let handle;
    try {
      handle = await open(this.#file, 'r');
    } catch (error) {
      if (error.code === 'ENOENT') return 0;
      throw error;
    }
    try {
      const { size } = await handle.stat();
      const buffer = Buffer.alloc(CHUNK_BYTES);
      while (this.#offset < size) {
        const { bytesRead } = await handle.read(buffer, 0, Math.min(CHUNK_BYTES, size - this.#offset), this.#offset);
        if (bytesRead === 0) break;
        this.#offset += bytesRead;
        this.#consume(buffer.subarray(0, bytesRead));
      }
      return size;
    } finally {
      await handle.close();
    }
  }

  #consume(chunk) {
    const data = this.#partial.length === 0 ? chunk : Buffer.concat([this.#partial, chunk]);
    let start = 0;
    for (let end = data.indexOf(10, start); end !== -1; end = data.indexOf(10, start)) {
      if (end > start) this.#line(data.toString('utf8', start, end));
      start = end + 1;
    }
    // Copied: `chunk` is the reused read buffer.
    this.#partial = Buffer.from(data.subarray(start));
  }

  #line(line) {
    let record;
    try {
      record = JSON.parse(line);
    } catch {
      this.badLines++;
      return;
    }
    if (record?.record !== 'event') return;
    this.records++;
    const payload = record.payload ?? {};
    const id = payload.event_id;
    if (this.eventIds.has(id)) this.storedTwice++;
    else this.eventIds.add(id);
    if (record.type === 'tool_call' && payload.tool_name === 'chaos.tick') return this.#tick(payload.arguments);
    if (record.type !== 'custom') return;
    if (payload.name === 'audit.loss') this.lossEvents.set(id, payload);
    else if (payload.name === 'session.start' || payload.name === 'session.end') this.sessionEvents.add(`${payload.session_id} ${payload.name}`);
  }

  #tick(args) {
    const value = typeof args === 'string' ? safeParse(args) : args;
    if (typeof value?.run !== 'string' || !Number.isInteger(value?.seq)) return;
    const key = `${value.run} ${value.seq}`;
    this.ticks.set(key, (this.ticks.get(key) ?? 0) + 1);
  }
}

function safeParse(text) {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
