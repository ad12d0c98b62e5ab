/**
 * The tools some other span records, as a stream reader counts them
 * (model/tool-call-claims.ts): one claim per execution a span started for,
 * taken by the one `tool_use` / `tool_result` pair it stands for.
 */
import type { ToolCallClaims } from '../model/tool-call-claims.js';

/** The Claude Agent SDK's name for tool `t` of MCP server `s`: `mcp__s__t`. */
const MCP_TOOL_NAME = /^mcp__[^_]+(?:_[^_]+)*__(.+)$/;

/**
 * Claims counted by tool name.
 *
 * @example
 * const claims = new ClaimedTools();
 * claims.claim('get_weather');
 * claims.take('mcp__weather__get_weather'); // true: that execution is recorded already
 */
export class ClaimedTools implements ToolCallClaims {
  private readonly counts = new Map<string, number>();

  claim(toolName: string): void {
    this.counts.set(toolName, (this.counts.get(toolName) ?? 0) + 1);
  }

  /**
   * Whether an execution of `toolName` is recorded by another span; takes
   * its claim. An in-process tool's own span may name it without the SDK's
   * `mcp__{server}__` prefix, so that name counts too.
   */
  take(toolName: string): boolean {
    const bare = MCP_TOOL_NAME.exec(toolName)?.[1];
    for (const name of bare === undefined ? [toolName] : [toolName, bare]) {
      const count = this.counts.get(name) ?? 0;
      if (count === 0) continue;
      if (count === 1) this.counts.delete(name);
      else this.counts.set(name, count - 1);
      return true;
    }
    return false;
  }
}
