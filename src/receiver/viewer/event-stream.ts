// `GET /ui/api/stream`: Server-Sent Events (HTML Living Standard §9.2), one
// `event: stored` per event the store indexes, so the viewer shows new
// events without reloading. The page reads it with fetch (EventSource cannot
// send an Authorization header), which the format does not mind.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AuditStore, StoredListener } from '../store.js';
import type { StoredEntry } from '../stored-event.js';
import { sessionIdOf } from './event-facts.js';
import { viewerHeaders } from './viewer-headers.js';

/** A client that has not read this much of its stream is cut off rather than buffered for without end. */
const MAX_BUFFERED_BYTES = 8 * 1024 * 1024;

/**
 * The open event streams of one receiver. It listens to the store only while
 * a stream is open, sends a comment line every `heartbeatMillis` so that
 * proxies and the receiver's own idle timeout keep the connection, and ends
 * every stream on {@link close}, so the receiver's close does not wait on them.
 */
export class EventStreams {
  private readonly open = new Set<ServerResponse>();
  private unsubscribe: (() => void) | undefined;
  private heartbeat: NodeJS.Timeout | undefined;
  private closed = false;

  constructor(
    private readonly store: AuditStore,
    private readonly heartbeatMillis: number,
  ) {}

  /** How many streams are open (for tests and diagnostics). */
  get size(): number {
    return this.open.size;
  }

  /** Answers `req` with an event stream that stays open until the client goes or the receiver closes. */
  attach(req: IncomingMessage, res: ServerResponse): void {
    // `connection: close`: the socket carries this one answer only, so once
    // the stream ends nothing keeps it alive for the receiver's close to wait on.
    res.writeHead(200, { ...viewerHeaders('text/event-stream; charset=utf-8', 'no-store'), connection: 'close' });
    if (this.closed) {
      res.end();
      return;
    }
    // A first line at once, so the client sees the stream open before any event.
    res.write(': stream open\n\n');
    this.open.add(res);
    res.once('close', () => this.detach(res));
    req.once('close', () => this.detach(res));
    if (this.open.size === 1) this.start();
  }

  /** Ends every open stream and stops listening; streams opened afterwards end at once. */
  close(): void {
    this.closed = true;
    for (const res of [...this.open]) {
      this.detach(res);
      res.end();
    }
  }

  private start(): void {
    this.unsubscribe = this.store.subscribe(this.send);
    this.heartbeat = setInterval(() => this.broadcast(': heartbeat\n\n'), this.heartbeatMillis);
    // A viewer left open must not keep the process alive.
    this.heartbeat.unref();
  }

  private detach(res: ServerResponse): void {
    if (!this.open.delete(res) || this.open.size > 0) return;
    this.unsubscribe?.();
    this.unsubscribe = undefined;
    clearInterval(this.heartbeat);
    this.heartbeat = undefined;
  }

  private readonly send: StoredListener = (entries) => {
    this.broadcast(entries.map(storedMessage).join(''));
  };

  private broadcast(chunk: string): void {
    for (const res of [...this.open]) {
      if (res.writableLength > MAX_BUFFERED_BYTES) {
        this.detach(res);
        res.destroy();
        continue;
      }
      res.write(chunk);
    }
  }
}

/**
 * One `stored` message: `data` is `{"session": <session id>, "event": <stored event>}`
 * on one line (JSON.stringify never writes a raw newline), the stored JSON
 * reused rather than serialised again.
 */
function storedMessage(entry: StoredEntry): string {
  return `event: stored\nid: ${entry.event.id}\ndata: {"session":${JSON.stringify(sessionIdOf(entry.event))},"event":${entry.json}}\n\n`;
}
