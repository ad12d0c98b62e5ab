/**
 * This package's version; a test keeps it equal to package.json's.
 *
 * @example
 * console.log(`otel-agent-audit ${VERSION}`);
 */
export const VERSION = '0.1.0';
/** Instrumentation scope of the spans the recording helpers make. */
export const TRACER_NAME = 'otel-agent-audit';
