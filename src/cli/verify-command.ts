// `otel-agent-audit verify`: checks a trail of chained audit events for
// deleted, edited, exchanged and forged events and a truncated end.
import type { Readable } from 'node:stream';
import { parseArgs } from 'node:util';
import { formatTrailReport, verifyTrailSource } from '../chain/read-trail.js';
import { publicKeyFromText } from '../chain/signing-key.js';
import type { TrailReport } from '../chain/verify-trail.js';
import { processIo, type CliIo } from './cli-io.js';
import { UsageError } from './usage-error.js';

/** Help text for `verify`. */
export const VERIFY_USAGE = `Usage: otel-agent-audit verify <file|dir|-> [options]

Verifies a trail of hash-chained audit events: a JSONL file (the receiver's
--file trail, a jsonlFile() log, or Secureagentics events, one per line), a
folder (all its *.jsonl files, in name order), or - for stdin. Reports per
stream gaps, modified, reordered and forked events, checkpoint signatures,
and whether the stream ends with a close.

Options:
      --public-key <key|file>  accept only checkpoints signed by this key: the
                               base64url key, SPKI PEM text, or a PEM file
                               (repeatable; default: the key each checkpoint
                               names, reported as not pinned)
      --json                   print the report as JSON
  -h, --help                   show this help

Exit status: 0 when everything verifies, 1 when it does not or the trail
cannot be read, 2 for a usage mistake.
`;

/** `CliIo` plus what `verify -` reads; tests pass a stream here. */
export interface VerifyIo extends CliIo {
  stdin?: Readable;
}

/**
 * Runs `verify` with `args` (the words after `verify`) and resolves with the
 * exit code: 0 verified, 1 not verified or unreadable (the reason on stderr).
 *
 * @throws UsageError for a missing or extra trail argument or an unusable --public-key, and parseArgs' `ERR_PARSE_ARGS_*` errors for unknown flags.
 * @example
 * const code = await verify(['audit.jsonl', '--public-key', 'keys/audit.pub.pem']); // 0 or 1
 */
export async function verify(args: string[], io: VerifyIo = processIo()): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    strict: true,
    allowPositionals: true,
    options: {
      json: { type: 'boolean' },
      'public-key': { type: 'string', multiple: true },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) {
    io.stdout.write(VERIFY_USAGE);
    return 0;
  }
  if (positionals.length !== 1) {
    throw new UsageError(positionals.length === 0 ? 'name the trail to verify: a file, a folder or -' : `one trail at a time, got ${positionals.length}`);
  }
  const publicKeys = values['public-key']?.map(pinnedKey);

  let report: TrailReport;
  try {
    report = await verifyTrailSource(positionals[0]!, { ...(publicKeys && { publicKeys }), ...(io.stdin && { stdin: io.stdin }) });
  } catch (error) {
    io.stderr.write(`otel-agent-audit verify: ${(error as Error).message}\n`);
    return 1;
  }
  io.stdout.write(values.json ? `${JSON.stringify(report, null, 2)}\n` : formatTrailReport(report));
  return report.ok ? 0 : 1;
}

/** A `--public-key` value as the base64url raw key verifyTrail pins. */
function pinnedKey(text: string): string {
  const key = publicKeyFromText(text);
  if ('problem' in key) throw new UsageError(`--public-key: ${key.problem}`);
  return key.publicKeyText;
}
