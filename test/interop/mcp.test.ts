/**
 * A plain `openai` chat-completions agent whose two tools live on an MCP
 * server (@modelcontextprotocol/sdk, stdio transport, the server a child
 * process) runs the framework script — get_weather (ok), get_forecast (the
 * tool throws; McpServer answers `isError: true`, the low-level Server a
 * JSON-RPC error), the answer — under the OpenInference and the Traceloop
 * MCP instrumentations, each with the same vendor's OpenAI instrumentation on
 * the client. MCP has no run of its own: the run is one withSession. Each
 * must leave exactly: session start + end, one prompt and one completion per
 * model call with token counts, one tool_call per executed tool with
 * arguments and result, one error for the failing tool — and nothing for the
 * MCP protocol requests (initialize, tools/list) or the MCP connection.
 */
import { describe, expect, it } from 'vitest';
import { expectFrameworkTrail } from './expect-framework-trail.js';
import { FRAMEWORK_SCRIPT, frameworkReplies } from './framework-script.js';
import { runScenario, type ScenarioRun } from './run-scenario.js';


interface ServerSpan { name: string; kind: string; scope: string; traceId: string }
const serverSpans = (run: ScenarioRun): ServerSpan[] => JSON.parse(/^mcp server spans: (.*)$/m.exec(run.stdout)?.[1] ?? '[]') as ServerSpan[];

function expectMcpTrail(run: ScenarioRun): void {
  const s = FRAMEWORK_SCRIPT;
  expect(run.modelRequests.map((r) => r.status)).toEqual([200, 200, 200]);
  expect(run.stdout).toContain(`answer: ${s.answer}`);
  expect(run.stdout).toMatch(new RegExp(`^tool get_forecast: \\{"isError":true,.*${s.forecast.failure}`, 'm'));
  // MCP never sees the model's tool-call id (call_weather_1): tools/call carries only name and arguments.
  expectFrameworkTrail(run.events, {
    agentOf: () => 'weather-agent',
    oneTrace: 'all',
    completionModel: 'answering',
    weather: { tool_name: s.weather.name, arguments: s.weather.arguments, result: s.weather.result },
    forecast: { tool_name: s.forecast.name, arguments: s.forecast.arguments },
  });
}

// The scenarios load the built package by name: `npm test` builds first.
describe('interop: MCP tools (@modelcontextprotocol/sdk over stdio) in an openai agent', () => {
  // OpenInference's MCP instrumentation writes no spans (it only carries the trace context): the agent records its tools with withToolCall.
  it('yields exactly the expected events under OpenInference MCP + OpenInference OpenAI', async () => {
    const run = await runScenario('mcp-openinference', {}, 'mcp-openinference', frameworkReplies());
    expectMcpTrail(run);
    // The client's trace context crosses stdio in params._meta: the server's spans join the session's trace.
    const servers = serverSpans(run);
    expect(servers.length).toBeGreaterThan(0);
    expect(new Set(servers.map((span) => span.traceId))).toEqual(new Set(run.events.map((e) => e.trace_id)));
  });

  it('yields exactly the expected events under Traceloop MCP + Traceloop OpenAI', async () => {
    expectMcpTrail(await runScenario('mcp-traceloop', {}, 'mcp-traceloop', frameworkReplies()));
  });

  // The low-level Server lets the tool's error through as a JSON-RPC error: callTool rejects.
  it('yields exactly the expected events when the failure is a JSON-RPC error (Traceloop)', async () => {
    const run = await runScenario('mcp-traceloop', { MCP_SERVER_API: 'low-level' }, 'mcp-traceloop-jsonrpc-error', frameworkReplies());
    expect(run.stdout).toContain('"rejected":true');
    expectMcpTrail(run);
  });
});
