// A tiny fetch wrapper for the receiver tests: bearer auth and JSON by default.
import { startAuditReceiver, type AuditReceiver, type AuditReceiverOptions } from '../../../src/receiver/receiver.js';

export interface Reply {
  status: number;
  headers: Headers;
  body: any;
}

export interface TestClient {
  receiver: AuditReceiver;
  request(method: string, path: string, body?: unknown, headers?: Record<string, string>): Promise<Reply>;
  registerAgent(name?: string): Promise<string>;
}

export const TOKEN = 'test-key-123';

/** Starts a receiver on 127.0.0.1:0 and returns a client bound to it. */
export async function startTestReceiver(options: AuditReceiverOptions = {}): Promise<TestClient> {
  const receiver = await startAuditReceiver({ port: 0, ...options });
  const request = async (
    method: string,
    path: string,
    body?: unknown,
    headers: Record<string, string> = {},
  ): Promise<Reply> => {
    const init: RequestInit = {
      method,
      headers: { authorization: `Bearer ${options.apiKey ?? TOKEN}`, 'content-type': 'application/json', ...headers },
    };
    if (body !== undefined) init.body = typeof body === 'string' ? body : JSON.stringify(body);
    const response = await fetch(receiver.url + path, init);
    const text = await response.text();
    return { status: response.status, headers: response.headers, body: text === '' ? undefined : JSON.parse(text) };
  };
  const registerAgent = async (name = 'test-agent'): Promise<string> => {
    const reply = await request('POST', '/v1/agents', { name, framework: 'custom' });
    if (reply.status !== 201) throw new Error(`register failed: ${reply.status} ${JSON.stringify(reply.body)}`);
    return reply.body.id as string;
  };
  return { receiver, request, registerAgent };
}
