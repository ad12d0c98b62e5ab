// Connection timeouts over real sockets: a client that sends its headers or
// its body a byte at a time (slowloris), sends nothing, or idles on a
// keep-alive connection is cut off. Small limits keep the tests short; what is
// asserted is that the receiver closes the connection, not when.
import { connect, type Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { startTestReceiver, TOKEN, type TestClient } from './receiver-client.js';

let client: TestClient | undefined;
const sockets: Socket[] = [];

afterEach(async () => {
  for (const socket of sockets.splice(0)) socket.destroy();
  await client?.receiver.close();
  client = undefined;
});

async function start(timeouts: Parameters<typeof startTestReceiver>[0] = {}): Promise<TestClient> {
  client = await startTestReceiver({
    headersTimeoutMillis: 300,
    requestTimeoutMillis: 600,
    keepAliveTimeoutMillis: 200,
    idleTimeoutMillis: 400,
    onWarning: () => {},
    ...timeouts,
  });
  return client;
}

interface RawConnection {
  socket: Socket;
  /** Resolves with everything the receiver sent, once it closed the connection. */
  closed: Promise<string>;
}

function open(port: number): Promise<RawConnection> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    sockets.push(socket);
    let received = '';
    socket.setEncoding('utf8').on('data', (chunk: string) => (received += chunk));
    const closed = new Promise<string>((done) => socket.once('close', () => done(received)));
    socket.once('error', () => {}); // a reset is one way of being cut off
    socket.once('connect', () => resolve({ socket, closed }));
    socket.once('error', reject);
  });
}

/** Writes `text` a byte every `everyMillis` until it is all sent or the socket closes. */
function dribble(socket: Socket, text: string, everyMillis = 50): void {
  let at = 0;
  const timer = setInterval(() => {
    if (socket.destroyed || at >= text.length) return clearInterval(timer);
    socket.write(text.charAt(at++));
  }, everyMillis);
  socket.once('close', () => clearInterval(timer));
}

const headers = (length: number): string =>
  'POST /v1/agents HTTP/1.1\r\nHost: 127.0.0.1\r\n' +
  `Authorization: Bearer ${TOKEN}\r\nContent-Type: application/json\r\nContent-Length: ${length}\r\n\r\n`;

describe('receiver timeouts', () => {
  it('cuts off a client that sends its headers a byte at a time, with 408', async () => {
    const { receiver } = await start();
    const connection = await open(receiver.port);
    dribble(connection.socket, headers(2) + '{}'); // ~9 s at this pace
    expect(await connection.closed).toMatch(/^HTTP\/1\.1 408/);
  });

  it('cuts off a client that sends its body a byte at a time, with 408', async () => {
    const { receiver } = await start();
    const connection = await open(receiver.port);
    const body = JSON.stringify({ name: 'slow', framework: 'custom', description: 'x'.repeat(200) });
    connection.socket.write(headers(Buffer.byteLength(body)));
    dribble(connection.socket, body);
    expect(await connection.closed).toMatch(/^HTTP\/1\.1 408/);
  });

  it('closes a connection that sends nothing', async () => {
    const { receiver } = await start();
    const connection = await open(receiver.port);
    await connection.closed;
    expect(connection.socket.destroyed).toBe(true);
  });

  it('answers a prompt client, then closes its idle keep-alive connection', async () => {
    const { receiver } = await start();
    const connection = await open(receiver.port);
    const body = '{"name":"quick","framework":"custom"}';
    connection.socket.write(headers(body.length) + body);
    const received = await connection.closed;
    expect(received).toMatch(/^HTTP\/1\.1 201/);
    expect(received).toMatch(/keep-alive/i);
  });

  it('closes a connection whose client stops reading a long answer', async () => {
    // Generous header and request limits: only the idle timeout is under test, and the batches below are large.
    const { receiver, registerAgent, request } = await start({ headersTimeoutMillis: 10_000, requestTimeoutMillis: 30_000 });
    const agent = await registerAgent();
    // 500 events of ~20 KB: a listing of ~10 MB, more than the socket buffers hold.
    for (let n = 0; n < 5; n++) {
      const events = Array.from({ length: 100 }, () => ({ type: 'custom', payload: { blob: 'z'.repeat(20_000) } }));
      expect((await request('POST', `/v1/agents/${agent}/events/batch`, { events })).status).toBe(200);
    }
    const connection = await open(receiver.port);
    connection.socket.pause(); // reads nothing
    connection.socket.write(
      `GET /v1/agents/${agent}/events?limit=500 HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer ${TOKEN}\r\n\r\n`,
    );
    await new Promise((resolve) => setTimeout(resolve, 1500));
    connection.socket.resume();
    const received = await connection.closed;
    expect(received).toMatch(/^HTTP\/1\.1 200/);
    expect(received.length).toBeLessThan(10_000_000); // cut before the whole answer went out
  });
});
