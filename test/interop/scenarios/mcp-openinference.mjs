// An openai chat-completions agent whose tools run on an MCP server over
// stdio (mcp-agent.mjs), instrumented with @arizeai/openinference-instrumentation-mcp
// as its README says: by hand, on the client stdio transport module (it has
// no hook for the SDK's subpath modules). It makes no spans: it only injects
// the active trace context into each request's params._meta (the server side
// extracts it). The model calls are traced by
// @arizeai/openinference-instrumentation-openai, also by hand (its loader
// hook crashes at start-up: interop-notes.md).
//   MCP_TOOLS    withToolCall (default) | auditMcpClient: how the agent records its MCP calls
//   MCP_SESSION  run (default) | calls | none (mcp-agent.mjs)
import * as clientStdioModule from '@modelcontextprotocol/sdk/client/stdio.js';
import { MCPInstrumentation } from '@arizeai/openinference-instrumentation-mcp';
import { OpenAIInstrumentation } from '@arizeai/openinference-instrumentation-openai';
import * as openaiModule from 'openai';
import { env, startTelemetry } from './harness.mjs';
import { runMcpAgent } from './mcp-agent.mjs';

const mcp = new MCPInstrumentation();
const openai = new OpenAIInstrumentation();
const telemetry = startTelemetry({
  scenario: 'mcp-openinference',
  instrumentations: [mcp, openai],
  packages: ['@modelcontextprotocol/sdk', 'openai', '@arizeai/openinference-instrumentation-mcp', '@arizeai/openinference-instrumentation-openai'],
});
mcp.manuallyInstrument({ clientStdioModule });
openai.manuallyInstrument(openaiModule);

const client = new openaiModule.OpenAI({ baseURL: env.modelUrl, apiKey: env.modelKey, maxRetries: 0 });
// OpenInference's MCP instrumentation writes no spans of its own: the agent records its tool calls.
await runMcpAgent(client, { vendor: 'openinference', tools: process.env.MCP_TOOLS ?? 'withToolCall', session: process.env.MCP_SESSION });
await telemetry.shutdown();
