// An openai chat-completions agent whose tools run on an MCP server over
// stdio (mcp-agent.mjs), with no MCP instrumentation at all: the agent's one
// line `auditMcpClient(new Client(...))` records its tool calls. The model
// calls are traced by @arizeai/openinference-instrumentation-openai, by hand
// (its loader hook crashes at start-up: interop-notes.md).
//   MCP_SESSION  run (default) | calls | none (mcp-agent.mjs)
import { OpenAIInstrumentation } from '@arizeai/openinference-instrumentation-openai';
import * as openaiModule from 'openai';
import { env, startTelemetry } from './harness.mjs';
import { runMcpAgent } from './mcp-agent.mjs';

const openai = new OpenAIInstrumentation();
const telemetry = startTelemetry({
  scenario: 'mcp-wrapper',
  instrumentations: [openai],
  packages: ['@modelcontextprotocol/sdk', 'openai', '@arizeai/openinference-instrumentation-openai'],
});
openai.manuallyInstrument(openaiModule);

const client = new openaiModule.OpenAI({ baseURL: env.modelUrl, apiKey: env.modelKey, maxRetries: 0 });
await runMcpAgent(client, { vendor: 'none', tools: 'auditMcpClient', session: process.env.MCP_SESSION });
await telemetry.shutdown();
