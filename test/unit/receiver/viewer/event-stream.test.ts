// `GET /ui/api/stream` on a real receiver: one `event: stored` per stored
// event, heartbeats, streams ended by close(), listeners gone with the client.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { AuditStore } from '../../../../src/receiver/store.js';
import { createTrailViewer } from '../../../../src/receiver/viewer/trail-viewer.js';
import { startTestReceiver, type TestClient } from '../receiver-client.js';

let client: TestClient | undefined;
let server: Server | undefined;

afterEach(async () => {
  await client?.receiver.close();
  client = undefined;
  if (server !== undefined) await new Promise((resolve) => server!.close(resolve));
  server = undefined;
});

/** Reads a text stream and waits for what it says. */
function streamReader(body: ReadableStream<Uint8Array>) {
  const reader = body.pipeThrough(new TextDecoderStream()).getReader();
  let text = '';
  return {
    get text() {
      return text;
    },
    /** Reads until `pattern` matches what was read; rejects if the stream ends first. */
    async until(pattern: RegExp): Promise<RegExpExecArray> {
      for (;;) {
        const found = pattern.exec(text);
        if (found !== null) return found;
        const { value, done } = await reader.read();
        if (done) throw new Error(`stream ended before ${pattern}; read: ${text}`);
        text += value;
      }
    },
    /** Reads to the end; resolves with whether it ended cleanly (not cut). */
    async end(): Promise<'ended' | string> {
      try {
        for (;;) {
          const { value, done } = await reader.read();
          if (done) return 'ended';
          text += value;
        }
      } catch (error) {
        return (error as Error).message;
      }
    },
  };
}

describe('the viewer event stream', () => {
  it('sends each stored event as an `event: stored` message with its session', async () => {
    client = await startTestReceiver();
    const agent = await client.registerAgent();
    const response = await fetch(`${client.receiver.url}/ui/api/stream`);
    expect(response.headers.get('content-type')).toBe('text/event-stream; charset=utf-8');
    expect(response.headers.get('cache-control')).toBe('no-store');
    const stream = streamReader(response.body!);
    await stream.until(/^: stream open\n\n/);

    const stored = await client.request('POST', `/v1/agents/${agent}/events/batch`, {
      events: [
        { type: 'prompt', payload: { session_id: 's-1', prompt: 'one' } },
        { type: 'completion', payload: { session_id: 's-1', response: 'two' } },
      ],
    });

    const second = await stream.until(/event: stored\nid: (\S+)\ndata: (.+)\n\n(?:.|\n)*event: stored\nid: (\S+)\ndata: (.+)\n\n/);
    expect([second[1], second[3]]).toEqual(stored.body.results.map((event: { id: string }) => event.id));
    expect(JSON.parse(second[2]!)).toEqual({ session: 's-1', event: stored.body.results[0] });
  });

  it('sends a heartbeat comment while nothing is stored', async () => {
    // The heartbeat is at most half the idle timeout, or the idle timeout would cut a quiet stream.
    client = await startTestReceiver({ idleTimeoutMillis: 60 });
    const stream = streamReader((await fetch(`${client.receiver.url}/ui/api/stream`)).body!);
    await stream.until(/: heartbeat\n\n/);
  });

  it('is ended cleanly by the receiver’s close(), which does not wait for the client', async () => {
    client = await startTestReceiver();
    const streams = await Promise.all([1, 2].map(async () => streamReader((await fetch(`${client!.receiver.url}/ui/api/stream`)).body!)));
    await Promise.all(streams.map((stream) => stream.until(/stream open/)));

    await client.receiver.close();

    // Ended by the viewer, not cut by the close's grace timer (which would be an error here).
    expect(await Promise.all(streams.map((stream) => stream.end()))).toEqual(['ended', 'ended']);
  });

  it('stops listening to the store when the client goes', async () => {
    const store = await AuditStore.open(undefined, 100, () => {});
    const viewer = createTrailViewer(store, 60_000);
    server = createServer((req, res) => viewer.streams.attach(req, res));
    await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
    const subscribe = store.subscribe.bind(store);
    let listening = 0;
    store.subscribe = (listener) => {
      listening++;
      const unsubscribe = subscribe(listener);
      return () => {
        listening--;
        unsubscribe();
      };
    };
    const abort = new AbortController();
    const stream = streamReader((await fetch(url, { signal: abort.signal })).body!);
    await stream.until(/stream open/);
    expect([viewer.streams.size, listening]).toEqual([1, 1]);

    abort.abort();

    await expect.poll(() => [viewer.streams.size, listening]).toEqual([0, 0]);
    viewer.close();
  });

  it('ends at once a stream opened after close()', async () => {
    const store = await AuditStore.open(undefined, 100, () => {});
    const viewer = createTrailViewer(store, 60_000);
    viewer.close();
    server = createServer((req, res) => viewer.streams.attach(req, res));
    await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
    const response = await fetch(`http://127.0.0.1:${(server.address() as AddressInfo).port}/`);
    expect(await streamReader(response.body!).end()).toBe('ended');
    expect(viewer.streams.size).toBe(0);
  });
});
