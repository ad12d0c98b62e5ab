/**
 * A usage mistake (a bad flag or value): printed with the command's usage,
 * exit code 2, as for the errors `node:util` parseArgs throws.
 *
 * @example
 * throw new UsageError(`--port must be an integer from 0 to 65535, got 'x'`);
 */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}

/**
 * True for a {@link UsageError} or a parseArgs error (`ERR_PARSE_ARGS_*`:
 * unknown flag, missing value, unexpected positional).
 *
 * @example
 * if (isUsageError(error)) return 2;
 */
export function isUsageError(error: unknown): error is Error {
  if (error instanceof UsageError) return true;
  const code = (error as { code?: unknown } | null)?.code;
  return error instanceof Error && typeof code === 'string' && code.startsWith('ERR_PARSE_ARGS');
}
