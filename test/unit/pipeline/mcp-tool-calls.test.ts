/**
 * One MCP call, one tool_call (pipeline/mcp-tool-calls.ts): auditMcpClient
 * beside the real @traceloop/instrumentation-mcp, on a real MCP client and
 * server (in-process transport). Traceloop parents its `tools/call` span to
 * the span it opened at `connect()`, so only the processor's matching can
 * tell the two spans are one call.
 */
import { McpInstrumentation } from '@traceloop/instrumentation-mcp';
import * as clientModule from '@modelcontextprotocol/sdk/client/index.js';
import { describe, expect, onTestFinished } from 'vitest';
import { auditMcpClient, auditSpanProcessor, toAuditEvents, withSession, type AuditBackend, type AuditEvent } from '../../../src/index.js';
import { it } from '../../support/audit-test.js';
import { discardBackend } from '../../support/gate-backends.js';
import type { TestTracing } from '../../support/tracing.js';
import { connectMcpWeather, FORECAST_FAILURE, WEATHER } from '../../support/mcp-weather.js';

const TRACELOOP_MCP = '@traceloop/instrumentation-mcp';

/** Traceloop's MCP instrumentation on the SDK's Client (by hand, as its JSDoc says for ESM), writing to `tracing`; removed after the test. */
function instrumentMcp(tracing: TestTracing): void {
  const instrumentation = new McpInstrumentation();
  instrumentation.setTracerProvider(tracing.provider);
  instrumentation.manuallyInstrument(clientModule);
  onTestFinished(() => instrumentation.disable());
}

async function weather(wrap: boolean) {
  const mcp = await connectMcpWeather(wrap ? (client) => auditMcpClient(client) : undefined);
  onTestFinished(() => mcp.close());
  return mcp;
}

const toolCalls = (events: readonly AuditEvent[]) => events.filter((e) => e.type === 'tool_call');

describe('MCP tool calls seen by auditMcpClient and Traceloop MCP', () => {
  it('records each wrapped call once, in the session, whatever the Traceloop span says', async ({ recorded: { backend, processor, tracing } }) => {
    instrumentMcp(tracing);
    // Connected outside the session: Traceloop's spans then sit in the connection's trace, not the session's.
    const { client } = await weather(true);
    await withSession({ sessionId: 's-1', agentName: 'weather-agent' }, async () => {
      await client.callTool({ name: 'get_weather', arguments: { city: 'Oslo' } });
      await client.callTool({ name: 'get_forecast', arguments: { city: 'Oslo' } });
    });
    await processor.forceFlush();
    const traceloop = tracing.memory.getFinishedSpans().filter((s) => s.instrumentationScope.name === TRACELOOP_MCP && s.name.endsWith('.tool'));
    expect(traceloop.map((s) => s.name)).toEqual(['get_weather.tool', 'get_forecast.tool']); // it did write them
    const events = backend.events();
    const calls = toolCalls(events);
    expect(calls.map((e) => [e.payload['tool_name'], e.payload['status'], e.sessionId])).toEqual([
      ['get_weather', 'ok', 's-1'],
      ['get_forecast', 'error', 's-1'],
    ]);
    expect(calls[0]?.payload['result']).toEqual(WEATHER);
    const errors = events.filter((e) => e.type === 'error');
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatchObject({ spanId: calls[1]?.spanId, payload: { message: expect.stringContaining(FORECAST_FAILURE) } });
  });

  it('records calls of a client it does not wrap from the Traceloop spans, as before', async ({ recorded: { backend, processor, tracing } }) => {
    instrumentMcp(tracing);
    const { client } = await weather(false);
    await client.callTool({ name: 'get_weather', arguments: { city: 'Oslo' } });
    await processor.forceFlush();
    const calls = toolCalls(backend.events());
    expect(calls).toHaveLength(1);
    expect(calls[0]?.payload).toMatchObject({ tool_name: 'get_weather', tool_type: 'mcp', arguments: { city: 'Oslo' }, result: WEATHER });
  });

  it('matches concurrent calls of one tool each to its own Traceloop span', async ({ recorded: { backend, processor, tracing } }) => {
    instrumentMcp(tracing);
    const { client } = await weather(true);
    await Promise.all(['Oslo', 'Bergen'].map((city) => client.callTool({ name: 'get_weather', arguments: { city } })));
    await processor.forceFlush();
    const calls = toolCalls(backend.events());
    expect(calls.map((e) => e.payload['arguments'])).toEqual([{ city: 'Oslo' }, { city: 'Bergen' }]);
    expect(new Set(calls.map((e) => tracing.memory.getFinishedSpans().find((s) => s.spanContext().spanId === e.spanId)?.instrumentationScope.name))).toEqual(
      new Set(['otel-agent-audit']),
    );
  });

  it('records both when two calls of one tool are open before either is sent: a match would be a guess', async ({ recorded: { backend, processor, tracing } }) => {
    instrumentMcp(tracing);
    // A decision is awaited before the call is sent, so both calls are open when the first Traceloop span starts.
    const allowing: AuditBackend = { ...discardBackend(), name: 'allower', decide: async () => ({ kind: 'allow' as const }) };
    const mcp = await connectMcpWeather((client) => auditMcpClient(client, { decision: { backend: allowing, failMode: 'open' } }));
    onTestFinished(() => mcp.close());
    await Promise.all(['Oslo', 'Bergen'].map((city) => mcp.client.callTool({ name: 'get_weather', arguments: { city } })));
    await processor.forceFlush();
    expect(toolCalls(backend.events())).toHaveLength(4);
  });

  // What a gateway behind the app's OTLP exporter receives: the mark rides on the span.
  it('marks the Traceloop span at its start, so a stamp-only pipeline\'s spans convert to one tool_call', async ({ install }) => {
    const tracing = install.tracing([auditSpanProcessor({ backends: [] })]);
    instrumentMcp(tracing);
    const { client } = await weather(true);
    await client.callTool({ name: 'get_weather', arguments: { city: 'Oslo' } });
    const spans = tracing.memory.getFinishedSpans();
    const ours = spans.find((s) => s.instrumentationScope.name === 'otel-agent-audit');
    const theirs = spans.find((s) => s.name === 'get_weather.tool');
    expect(theirs?.attributes['audit.tool_call.recorded_by']).toBe(ours?.spanContext().spanId);
    expect(toolCalls(toAuditEvents(spans))).toHaveLength(1);
  });

  it('leaves the connection and protocol requests (initialize, tools/list) without events', async ({ recorded: { backend, processor, tracing } }) => {
    instrumentMcp(tracing);
    const mcp = await weather(true);
    await mcp.client.listTools();
    await mcp.close();
    await processor.forceFlush();
    expect(tracing.memory.getFinishedSpans().map((s) => s.name)).toEqual(expect.arrayContaining(['initialize.mcp', 'tools/list.mcp', 'mcp.client.session']));
    expect(backend.events()).toEqual([]);
  });
});
