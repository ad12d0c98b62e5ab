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
 * The same holds with auditMcpClient recording the calls: alone, beside
 * either instrumentation (Traceloop's span of each call then records
 * nothing), in a withSession and without one.
 */
import { describe, expect, it } from 'vitest';
import { expectFrameworkTrail } from './expect-framework-trail.js';
import { FRAMEWORK_SCRIPT, frameworkReplies } from './framework-script.js';
import { runScenario, type ScenarioRun } from './run-scenario.js';


interface ServerSpan { name: string; kind: string; scope: string; traceId: string }
const serverSpans = (run: ScenarioRun): ServerSpan[] => JSON.parse(/^mcp server spans: (.*)$/m.exec(run.stdout)?.[1] ?? '[]') as ServerSpan[];

const SERVER_NAME = 'weather-mcp-server';

/** How the scenario ran: in a withSession or not, and whether auditMcpClient recorded the calls (it adds the server's name). */
interface McpRun {
  session?: boolean;
  wrapped?: boolean;
}

function expectMcpTrail(run: ScenarioRun, { session = true, wrapped = false }: McpRun = {}): void {
  const s = FRAMEWORK_SCRIPT;
  expect(run.modelRequests.map((r) => r.status)).toEqual([200, 200, 200]);
  expect(run.stdout).toContain(`answer: ${s.answer}`);
  expect(run.stdout).toMatch(new RegExp(`^tool get_forecast: \\{"isError":true,.*${s.forecast.failure}`, 'm'));
  // MCP never sees the model's tool-call id (call_weather_1): tools/call carries only name and arguments.
  const mcp = wrapped ? { tool_type: 'mcp', mcp_server: SERVER_NAME } : {};
  const weather = { tool_name: s.weather.name, arguments: s.weather.arguments, result: s.weather.result, ...mcp };
  const forecast = { tool_name: s.forecast.name, arguments: s.forecast.arguments, ...mcp };
  if (session) expectFrameworkTrail(run.events, { agentOf: () => 'weather-agent', oneTrace: 'all', completionModel: 'answering', weather, forecast });
  else expectSessionlessTrail(run.events, weather, forecast);
}

/** Without a withSession: the same calls, tools and error, and no session at all. */
function expectSessionlessTrail(events: ScenarioRun['events'], weather: Record<string, unknown>, forecast: Record<string, unknown>): void {
  expect.soft(events.map((e) => e.type).sort()).toEqual(['completion', 'completion', 'completion', 'error', 'prompt', 'prompt', 'prompt', 'tool_call', 'tool_call']);
  expect.soft(events.filter((e) => e.payload.session_id !== undefined)).toEqual([]);
  const tools = events.filter((e) => e.type === 'tool_call').sort((a, b) => a.timestamp.localeCompare(b.timestamp));
  expect.soft(tools[0]?.payload).toMatchObject({ status: 'ok', ...weather });
  expect.soft(tools[1]?.payload).toMatchObject({ status: 'error', ...forecast });
  const [error] = events.filter((e) => e.type === 'error');
  expect.soft(error?.payload.message).toContain(FRAMEWORK_SCRIPT.forecast.failure);
  expect.soft(error?.payload.span_id).toBe(tools[1]?.payload.span_id);
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

  // auditMcpClient (the one line where the client is made) records each callTool; in every
  // setting the trail holds each call once.
  describe('with auditMcpClient', () => {
    const wrapped = { MCP_TOOLS: 'auditMcpClient' };
    it.for([
      ['in a withSession', 'run'],
      ['without a withSession', 'none'],
    ] as const)('yields exactly the expected events with no MCP instrumentation, %s', async ([, session]) => {
      const run = await runScenario('mcp-wrapper', { MCP_SESSION: session }, `mcp-wrapper-${session}`, frameworkReplies());
      expectMcpTrail(run, { session: session !== 'none', wrapped: true });
    });

    it.for([
      ['in a withSession', 'run'],
      ['without a withSession', 'none'],
    ] as const)('yields exactly the expected events beside OpenInference MCP, %s', async ([, session]) => {
      const run = await runScenario('mcp-openinference', { ...wrapped, MCP_SESSION: session }, `mcp-openinference-wrapper-${session}`, frameworkReplies());
      expectMcpTrail(run, { session: session !== 'none', wrapped: true });
    });

    // Traceloop writes its own span of each call, parented to the connection: the processor
    // matches it to the wrapper's and it records nothing. Connected before the session
    // (`calls`), Traceloop's spans are in the connection's trace, outside the session.
    it.for([
      ['in a withSession around the connection', 'run'],
      ['in a withSession after connecting', 'calls'],
      ['without a withSession', 'none'],
    ] as const)('yields exactly the expected events beside Traceloop MCP, %s', async ([, session]) => {
      const run = await runScenario('mcp-traceloop', { ...wrapped, MCP_SESSION: session }, `mcp-traceloop-wrapper-${session}`, frameworkReplies());
      expectMcpTrail(run, { session: session !== 'none', wrapped: true });
    });

    it('yields exactly the expected events beside Traceloop MCP when the failure is a JSON-RPC error', async () => {
      const run = await runScenario('mcp-traceloop', { ...wrapped, MCP_SERVER_API: 'low-level', MCP_SESSION: 'calls' }, 'mcp-traceloop-wrapper-jsonrpc-error', frameworkReplies());
      expect(run.stdout).toContain('"rejected":true');
      expectMcpTrail(run, { wrapped: true });
    });
  });
});
