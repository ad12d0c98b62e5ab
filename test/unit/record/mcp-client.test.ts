/**
 * auditMcpClient on a real MCP client and server (@modelcontextprotocol/sdk,
 * in-process transport), and on clients of the agent's own (the wrapper
 * takes any object with a callTool) for what a real server never does:
 * throwing synchronously, odd parameters, answers of odd shapes.
 */
import { SpanStatusCode } from '@opentelemetry/api';
import { describe, expect, onTestFinished } from 'vitest';
import { auditMcpClient, isAuditBlockedError, toAuditEvents, withSession, type McpToolClient } from '../../../src/index.js';
import { it } from '../../support/audit-test.js';
import { blockingBackend, discardBackend } from '../../support/gate-backends.js';
import { connectMcpWeather, FORECAST_FAILURE, SERVER_NAME, WEATHER, type McpWeather } from '../../support/mcp-weather.js';

async function audited(options?: Parameters<typeof auditMcpClient>[1]): Promise<McpWeather> {
  const mcp = await connectMcpWeather((client) => auditMcpClient(client, options));
  onTestFinished(() => mcp.close());
  return mcp;
}

/** A client of the agent's own: keeps what it was called with and on, answers with `answer`. */
function ownClient(answer: () => unknown) {
  const calls: Array<{ self: unknown; args: unknown[] }> = [];
  const client = {
    calls,
    callTool(this: unknown, ...args: unknown[]) {
      calls.push({ self: this, args });
      return answer();
    },
  };
  return client;
}

describe('auditMcpClient', () => {
  it('records a callTool as an mcp tool call in the session: server, arguments, text content unwrapped', async ({ tracing }) => {
    const { client } = await audited();
    const result = await withSession({ sessionId: 's-1', agentName: 'weather-agent' }, () => client.callTool({ name: 'get_weather', arguments: { city: 'Oslo' } }));
    expect(result.structuredContent).toEqual(WEATHER); // the client's answer, unchanged
    const [toolCall, ...rest] = toAuditEvents(tracing.memory.getFinishedSpans()).filter((e) => e.type === 'tool_call');
    expect(rest).toEqual([]);
    expect(toolCall).toMatchObject({ sessionId: 's-1', agentName: 'weather-agent' });
    expect(toolCall?.payload).toMatchObject({
      tool_name: 'get_weather',
      tool_type: 'mcp',
      mcp_server: SERVER_NAME,
      arguments: { city: 'Oslo' },
      result: WEATHER,
      status: 'ok',
    });
  });

  it('names the server as the option says, over what the server calls itself', async ({ tracing }) => {
    const { client } = await audited({ server: 'weather' });
    await client.callTool({ name: 'get_weather', arguments: { city: 'Oslo' } });
    expect(toAuditEvents(tracing.memory.getFinishedSpans())[0]?.payload).toMatchObject({ mcp_server: 'weather' });
  });

  it('records an isError result as a failed call with one error, and still resolves with the result', async ({ tracing }) => {
    const { client } = await audited();
    const result = await client.callTool({ name: 'get_forecast', arguments: { city: 'Oslo' } });
    expect(result.isError).toBe(true);
    const spans = tracing.memory.getFinishedSpans();
    expect(spans[0]?.status).toEqual({ code: SpanStatusCode.ERROR, message: expect.stringContaining(FORECAST_FAILURE) });
    const events = toAuditEvents(spans);
    expect(events.map((e) => e.type)).toEqual(['tool_call', 'error']);
    expect(events[0]?.payload).toMatchObject({ status: 'error', result: expect.stringContaining(FORECAST_FAILURE) });
    expect(events[1]?.payload).toMatchObject({ error_type: 'mcp_tool_error', message: expect.stringContaining(FORECAST_FAILURE) });
  });

  it('records a rejection (the client not connected) and passes the same error on', async ({ tracing }) => {
    const mcp = await audited();
    await mcp.close();
    const error = await mcp.client.callTool({ name: 'get_weather', arguments: { city: 'Oslo' } }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(Error);
    const events = toAuditEvents(tracing.memory.getFinishedSpans());
    expect(events.map((e) => e.type)).toEqual(['tool_call', 'error']);
    expect(events[1]?.payload).toMatchObject({ message: (error as Error).message });
  });

  it('rethrows a synchronous throw of callTool unchanged, recorded', ({ tracing }) => {
    const thrown = new RangeError('bad call');
    const client = auditMcpClient(ownClient(() => {
      throw thrown;
    }));
    expect(() => client.callTool({ name: 'x' })).toThrow(thrown);
    const events = toAuditEvents(tracing.memory.getFinishedSpans());
    expect(events.map((e) => [e.type, e.payload['status'] ?? e.payload['error_type']])).toEqual([['tool_call', 'error'], ['error', 'RangeError']]);
  });

  it.for([
    ['no parameters', []],
    ['null parameters', [null]],
    ['a number as the name', [{ name: 7, arguments: { a: 1 } }]],
    ['circular arguments', [(() => { const a: Record<string, unknown> = {}; a['self'] = a; return { name: 'loop', arguments: a }; })()]],
    ['a throwing getter', [Object.defineProperty({}, 'name', { enumerable: true, get: () => { throw new Error('no'); } })]],
    ['extra arguments', [{ name: 'x' }, 'schema', { timeout: 5 }]],
  ] as const)('passes %s on to callTool unchanged and records what it can', async ([, args], { tracing }) => {
    const own = ownClient(() => Promise.resolve({ content: [{ type: 'text', text: 'done' }] }));
    const client = auditMcpClient(own);
    await expect((client.callTool as (...a: unknown[]) => Promise<unknown>)(...args)).resolves.toEqual({ content: [{ type: 'text', text: 'done' }] });
    expect(own.calls).toEqual([{ self: client, args }]);
    const [event] = toAuditEvents(tracing.memory.getFinishedSpans()).filter((e) => e.type === 'tool_call');
    expect(event?.payload).toMatchObject({ tool_type: 'mcp', result: 'done', status: 'ok' });
  });

  it.for([
    ['a plain value', 42, 42],
    ['no content but structured content', { content: [], structuredContent: { a: 1 } }, { a: 1 }],
    ['an image block', { content: [{ type: 'image', data: 'AA==', mimeType: 'image/png' }] }, [{ type: 'image', data: 'AA==', mimeType: 'image/png' }]],
    ['the 2024-10-07 toolResult', { toolResult: { ok: true } }, { ok: true }],
  ] as const)('records an answer of %s', async ([, answer, recorded], { tracing }) => {
    await auditMcpClient(ownClient(() => Promise.resolve(answer))).callTool({ name: 'x' });
    expect(toAuditEvents(tracing.memory.getFinishedSpans())[0]?.payload).toMatchObject({ result: recorded, status: 'ok' });
  });

  it('returns the same client, and records once when wrapped twice', async ({ tracing }) => {
    const own = ownClient(() => Promise.resolve({ content: [] }));
    const client = auditMcpClient(auditMcpClient(own));
    expect(client).toBe(own);
    await client.callTool({ name: 'x' });
    expect(tracing.memory.getFinishedSpans()).toHaveLength(1);
  });

  it('makes no span of protocol requests (initialize, tools/list)', async ({ tracing }) => {
    const { client } = await audited();
    await client.listTools();
    expect(tracing.memory.getFinishedSpans()).toEqual([]);
  });

  it('is subject to the setup-wide tool decision: a blocked call never reaches the server', async ({ install }) => {
    install.backends([discardBackend()], { toolDecision: { backend: blockingBackend, failMode: 'closed' } });
    const mcp = await audited();
    const error = await mcp.client.callTool({ name: 'get_weather', arguments: { city: 'Oslo' } }).catch((e: unknown) => e);
    expect(isAuditBlockedError(error)).toBe(true);
    expect(mcp.served).toEqual([]);
  });

  it('skips the setup-wide tool decision with decision: false', async ({ install }) => {
    install.backends([discardBackend()], { toolDecision: { backend: blockingBackend, failMode: 'closed' } });
    const mcp = await audited({ decision: false });
    await mcp.client.callTool({ name: 'get_weather', arguments: { city: 'Oslo' } });
    expect(mcp.served).toEqual(['get_weather']);
  });

  it('refuses what is not an MCP client, and a server name that is not text, at setup', () => {
    expect(() => auditMcpClient({} as unknown as McpToolClient)).toThrow(TypeError);
    expect(() => auditMcpClient(ownClient(() => undefined), { server: 7 as unknown as string })).toThrow(/options\.server/);
  });
});
