/**
 * A real MCP client and server (@modelcontextprotocol/sdk) joined in process
 * by the SDK's own InMemoryTransport: get_weather answers, get_forecast
 * throws (McpServer turns that into an `isError: true` result). For tests of
 * what wraps or instruments the client; closed by the caller.
 */
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { InMemoryTransport } from '@modelcontextprotocol/sdk/inMemory.js';
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { z } from 'zod';

export const WEATHER = Object.freeze({ city: 'Oslo', temperature_c: 12, conditions: 'light rain' });
export const FORECAST_FAILURE = 'forecast service unavailable';
export const SERVER_NAME = 'weather-mcp-server';

export interface McpWeather {
  client: Client;
  /** Tool calls the server ran, by tool name. */
  served: string[];
  close(): Promise<void>;
}

/** Starts the server and connects a fresh client to it; `wrap` (e.g. auditMcpClient) is applied before `connect()`, as a user would. */
export async function connectMcpWeather(wrap: (client: Client) => Client = (client) => client): Promise<McpWeather> {
  const served: string[] = [];
  const server = new McpServer({ name: SERVER_NAME, version: '1.0.0' });
  const city = { city: z.string() };
  server.registerTool('get_weather', { description: 'Current weather', inputSchema: city }, async ({ city: name }) => {
    served.push('get_weather');
    const value = { ...WEATHER, city: name };
    return { content: [{ type: 'text', text: JSON.stringify(value) }], structuredContent: value };
  });
  server.registerTool('get_forecast', { description: 'Forecast', inputSchema: city }, async () => {
    served.push('get_forecast');
    throw new Error(FORECAST_FAILURE);
  });
  const [clientSide, serverSide] = InMemoryTransport.createLinkedPair();
  await server.connect(serverSide);
  const client = wrap(new Client({ name: 'weather-agent', version: '1.0.0' }));
  await client.connect(clientSide);
  return {
    client,
    served,
    async close() {
      await client.close();
      await server.close();
    },
  };
}
