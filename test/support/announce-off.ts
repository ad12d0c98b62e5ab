/**
 * The first-delivery line is on by default for users; in this suite it is
 * off unless a test turns it on: the suite's hundreds of throwaway pipelines
 * would each print it. The tests of the line itself set their own
 * environment (test/integration/visible-misconfiguration.test.ts clears it)
 * or their own sinks (test/unit/deliver/delivery-notices.test.ts).
 */
if (process.env['OTEL_AGENT_AUDIT_ANNOUNCE_DELIVERY'] === undefined) process.env['OTEL_AGENT_AUDIT_ANNOUNCE_DELIVERY'] = 'false';
