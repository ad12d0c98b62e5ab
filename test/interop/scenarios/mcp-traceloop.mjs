// An openai chat-completions agent whose tools run on an MCP server over
// stdio (mcp-agent.mjs), instrumented with @traceloop/instrumentation-mcp.
// Its README registers it with registerInstrumentations, but its hooks watch
// the CommonJS files of the SDK's subpaths, which an ESM app never loads: so
// by hand as well, with manuallyInstrument({ Client }) (its own JSDoc for ESM).
// The model calls are traced by @traceloop/instrumentation-openai
// (manuallyInstrument takes the OpenAI class).
//   MCP_SERVER_API=low-level  the server uses the SDK's low-level Server, so
//   the failing tool is a JSON-RPC error instead of an isError result.
//   MCP_TOOLS=auditMcpClient  the agent also wraps its client (one event per call still)
//   MCP_SESSION  run (default) | calls | none (mcp-agent.mjs)
import * as clientModule from '@modelcontextprotocol/sdk/client/index.js';
import { McpInstrumentation } from '@traceloop/instrumentation-mcp';
import { OpenAIInstrumentation } from '@traceloop/instrumentation-openai';
import OpenAI from 'openai';
import { env, startTelemetry } from './harness.mjs';
import { runMcpAgent } from './mcp-agent.mjs';

const serverApi = process.env.MCP_SERVER_API ?? 'mcp-server';
const mcp = new McpInstrumentation();
const openai = new OpenAIInstrumentation();
const telemetry = startTelemetry({
  scenario: serverApi === 'low-level' ? 'mcp-traceloop-jsonrpc-error' : 'mcp-traceloop',
  instrumentations: [mcp, openai],
  packages: ['@modelcontextprotocol/sdk', 'openai', '@traceloop/instrumentation-mcp', '@traceloop/instrumentation-openai'],
});
mcp.manuallyInstrument(clientModule);
openai.manuallyInstrument(OpenAI);

const client = new OpenAI({ baseURL: env.modelUrl, apiKey: env.modelKey, maxRetries: 0 });
await runMcpAgent(client, { vendor: 'traceloop', serverApi, tools: process.env.MCP_TOOLS ?? 'none', session: process.env.MCP_SESSION });
await telemetry.shutdown();
