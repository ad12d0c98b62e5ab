/**
 * An MCP tool result as the trail records it. MCP returns a tool's output as
 * content blocks (`[{type: 'text', text: '{"city":"Oslo"}'}]`); instrumentations
 * that write the blocks as they came (OpenInference's Claude Agent SDK
 * instrumentation, for the SDK's MCP tools) leave the result one level down.
 * Text-only blocks read as their text, and that text as JSON when it is JSON.
 */
import { parseJson } from './span-reader.js';

/**
 * `value` unwrapped when it is a list of MCP text blocks; anything else as it is.
 *
 * @example
 * mcpToolResult([{ type: 'text', text: '{"ok":true}' }]); // { ok: true }
 */
export function mcpToolResult(value: unknown): unknown {
  if (!Array.isArray(value) || value.length === 0 || !value.every(isTextBlock)) return value;
  return parseJson(value.map((block) => block.text).join(''));
}

function isTextBlock(value: unknown): value is { type: 'text'; text: string } {
  if (value === null || typeof value !== 'object') return false;
  const block = value as Record<string, unknown>;
  return block['type'] === 'text' && typeof block['text'] === 'string';
}
