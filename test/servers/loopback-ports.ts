/**
 * Ports for outage tests on 127.0.0.1: one nothing listens on (connection
 * refused), and a forwarder that opens it later, so the "service at that
 * address" comes up from then on.
 */
import { connect, createServer, type Server, type Socket } from 'node:net';

/** Listens on `port` (0: any) of 127.0.0.1; resolves the port. */
export async function listen(server: Server, port: number): Promise<number> {
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve());
  });
  return (server.address() as { port: number }).port;
}

/** A port nothing listens on (connection refused) until {@link forwardPort} opens it. */
export async function closedPort(): Promise<number> {
  const server = createServer();
  const port = await listen(server, 0);
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** Opens `port` and forwards every connection to `target`: the service at that address is up from now on. */
export async function forwardPort(port: number, target: string): Promise<{ close(): Promise<void> }> {
  const sockets = new Set<Socket>();
  const server = createServer((client) => {
    const upstream = connect(Number(new URL(target).port), '127.0.0.1');
    for (const socket of [client, upstream]) {
      sockets.add(socket);
      socket.on('error', () => undefined);
      socket.on('close', () => (client.destroy(), upstream.destroy(), sockets.delete(socket)));
    }
    client.pipe(upstream).pipe(client);
  });
  await listen(server, port);
  return {
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}
