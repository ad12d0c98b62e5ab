// The MCP server of the MCP scenarios: the two framework tools (get_weather,
// get_forecast — the latter throws) over the stdio transport. The scenario's
// MCP client spawns it as a child process; stdout is the protocol channel, so
// nothing here may print to it.
//
// It is instrumented the way the client is, so the run shows whether the
// server side makes spans of its own and whether the client's trace context
// reaches it: a registered tracer provider (otel-line.mjs, W3C propagator), the http instrumentation
// (the weather tool calls a real HTTP service in this process) and the same
// vendor's MCP instrumentation. It exports nothing; its spans go to a capture
// file the client reads after the server exits. Settings from the client:
//   MCP_SERVER_INSTRUMENTATION  openinference | traceloop | none (no MCP instrumentation)
//   MCP_SERVER_API              mcp-server (default: McpServer, a throwing tool
//                               becomes a result with isError: true) | low-level
//                               (Server + setRequestHandler: a throwing handler
//                               becomes a JSON-RPC error response)
//   MCP_SERVER_CAPTURE_FILE     where to write the spans (capture.mjs format)
import { registerInstrumentations } from '@opentelemetry/instrumentation';
import { HttpInstrumentation } from '@opentelemetry/instrumentation-http';
import { MCPInstrumentation } from '@arizeai/openinference-instrumentation-mcp';
import { McpInstrumentation } from '@traceloop/instrumentation-mcp';
import * as serverModule from '@modelcontextprotocol/sdk/server/index.js';
import * as serverStdioModule from '@modelcontextprotocol/sdk/server/stdio.js';
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { CallToolRequestSchema, ErrorCode, ListToolsRequestSchema, McpError } from '@modelcontextprotocol/sdk/types.js';
import { z } from 'zod';
import { Capture } from './capture.mjs';
import { registeredTracerProvider } from './otel-line.mjs';
import { FORECAST_TOOL, WEATHER_TOOL } from './framework-tools.mjs';

const TOOLS = [WEATHER_TOOL, FORECAST_TOOL];
const SERVER_INFO = { name: 'weather-mcp-server', version: '1.0.0' };
const vendor = process.env.MCP_SERVER_INSTRUMENTATION;

function startTelemetry() {
  const capture = new Capture();
  const provider = registeredTracerProvider([capture.spanProcessor]);
  const mcp = vendor === 'openinference' ? new MCPInstrumentation() : vendor === 'traceloop' ? new McpInstrumentation() : undefined;
  registerInstrumentations({ instrumentations: [new HttpInstrumentation(), ...(mcp ? [mcp] : [])], tracerProvider: provider });
  // Both by hand, as their READMEs say for ESM: OpenInference wraps the stdio
  // transport (it extracts the client's trace context from params._meta);
  // Traceloop wraps Server.prototype.request (requests the server sends).
  if (vendor === 'openinference') mcp.manuallyInstrument({ serverStdioModule });
  else if (vendor === 'traceloop') mcp.manuallyInstrument(serverModule);
  const instrumentation = { openinference: '@arizeai/openinference-instrumentation-mcp', traceloop: '@traceloop/instrumentation-mcp' }[vendor];
  const packages = ['@modelcontextprotocol/sdk', ...(instrumentation ? [instrumentation] : [])];
  // The client closes stdin; the process then runs out of work and exits.
  process.on('exit', () => {
    if (process.env.MCP_SERVER_CAPTURE_FILE) capture.write(process.env.MCP_SERVER_CAPTURE_FILE, 'mcp-weather-server', packages);
  });
}

/** A tool's value as an MCP tool result: JSON text, and the same as structured content. */
const toolResult = (value) => ({ content: [{ type: 'text', text: JSON.stringify(value) }], structuredContent: value });

/** The high-level API of the SDK's README: McpServer.registerTool with zod input schemas. */
function mcpServer() {
  const server = new McpServer(SERVER_INFO);
  for (const tool of TOOLS) {
    server.registerTool(tool.name, { description: tool.description, inputSchema: z.object({ city: z.string() }).strict() }, async (args) => toolResult(await tool.run(args)));
  }
  return server;
}

/** The low-level API: the framework tools' JSON schemas as they are, errors left to the protocol. */
function lowLevelServer() {
  const server = new serverModule.Server(SERVER_INFO, { capabilities: { tools: {} } });
  server.setRequestHandler(ListToolsRequestSchema, () => ({
    tools: TOOLS.map(({ name, description, parameters }) => ({ name, description, inputSchema: parameters })),
  }));
  server.setRequestHandler(CallToolRequestSchema, async ({ params }) => {
    const tool = TOOLS.find((t) => t.name === params.name);
    if (tool === undefined) throw new McpError(ErrorCode.InvalidParams, `Tool ${params.name} not found`);
    return toolResult(await tool.run(params.arguments ?? {}));
  });
  return server;
}

startTelemetry();
const server = process.env.MCP_SERVER_API === 'low-level' ? lowLevelServer() : mcpServer();
await server.connect(new serverStdioModule.StdioServerTransport());
