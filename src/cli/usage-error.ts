/**
 * A usage mistake a command finds itself, past what commander checks (a
 * value out of range, an unusable key): printed like commander's own
 * errors, `otel-agent-audit <command>: <message>` and the command's usage,
 * with exit code 2 (see `runAction` in command-context.ts).
 *
 * @example
 * throw new UsageError(`--port must be an integer from 0 to 65535, got 'x'`);
 */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}
