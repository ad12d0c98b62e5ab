/**
 * The hash chain is on by default for users; in this suite it is off unless
 * a test turns it on (`integrity: {}`, or a child's own environment). Most
 * tests assert the exact events and payloads of what they test, and the chain
 * adds three fields to every event and a signed close to every trail. The
 * tamper-evidence tests, the examples and the chaos suite run with it on.
 * Redaction stays on, as users get it.
 */
if (process.env['OTEL_AGENT_AUDIT_INTEGRITY'] === undefined) process.env['OTEL_AGENT_AUDIT_INTEGRITY'] = 'false';
