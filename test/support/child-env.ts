import { freshSpoolDir } from './tracing.js';

/**
 * The environment for a child process that loads the package: the test's
 * own, with a spool folder of its own, so a child never delivers what an
 * earlier child of the same test file left in a spool (children of `-e`
 * scripts share one service name).
 */
export function childEnv(): NodeJS.ProcessEnv {
  return { ...process.env, OTEL_AGENT_AUDIT_SPOOL_DIR: freshSpoolDir() };
}
