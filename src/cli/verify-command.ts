// `otel-agent-audit verify`: checks a trail of chained audit events for
// deleted, edited, exchanged and forged events and a truncated end.
import { Command, InvalidArgumentError } from 'commander';
import { formatTrailReport, verifyTrailSource } from '../chain/read-trail.js';
import { publicKeyFromText } from '../chain/signing-key.js';
import type { TrailReport } from '../chain/verify-trail.js';
import { processIo, type CliIo } from './cli-io.js';
import { runAlone, usageOf } from './cli-program.js';
import { runAction, type CommandContext } from './command-context.js';
import { EXIT_FAILURE, EXIT_OK } from './exit-codes.js';

/** `CliIo` with what `verify -` reads; kept for callers that named it. */
export type VerifyIo = CliIo;

interface VerifyFlags {
  publicKey?: string[];
  json?: boolean;
}

const DESCRIPTION = `Verifies a trail of hash-chained audit events: a JSONL file (the receiver's
--file trail, a jsonlFile() log, or Secureagentics events, one per line), a
folder (all its *.jsonl files, in name order), or - for stdin. Reports per
stream gaps, modified, reordered and forked events, checkpoint signatures,
and whether the stream ends with a close.`;

const EXAMPLES = `
Examples:
  $ otel-agent-audit verify audit-trail.jsonl
  $ otel-agent-audit verify /var/log/agent/ --public-key keys/audit.pub.pem
  $ cat audit-trail.jsonl | otel-agent-audit verify - --json

Exit status: 0 when everything verifies, 1 when it does not or the trail
cannot be read, 2 for a usage mistake.`;

/**
 * The `verify` command.
 *
 * @example
 * createProgram(context, [verifyCommand]);
 */
export function verifyCommand(context: CommandContext): Command {
  const command = new Command('verify')
    .summary('check a trail of chained audit events for tampering')
    .description(DESCRIPTION)
    .argument('<trail>', 'a JSONL file, a folder of *.jsonl files, or - for stdin')
    .option(
      '--public-key <key|file>',
      'accept only checkpoints signed by this key: the base64url key, SPKI PEM text, or a PEM file (repeatable; default: the key each checkpoint names, reported as not pinned)',
      collectKey,
    )
    .option('--json', 'print the report as JSON')
    .helpOption('-h, --help', 'show this help')
    .addHelpText('after', EXAMPLES);
  return runAction(command, context, (trail: string, flags: VerifyFlags) => runVerify(trail, flags, context.io));
}

/** Help text for `verify`, as `verify --help` prints it. */
export const VERIFY_USAGE = usageOf(verifyCommand);

/**
 * Runs `verify` with `args` (the words after `verify`) and resolves with the
 * exit code: 0 verified, 1 not verified or unreadable (the reason on stderr),
 * 2 for a usage mistake (a missing or extra trail, an unknown flag, an
 * unusable --public-key). Never rejects.
 *
 * @example
 * const code = await verify(['audit.jsonl', '--public-key', 'keys/audit.pub.pem']); // 0 or 1
 */
export function verify(args: string[], io: VerifyIo = processIo()): Promise<number> {
  return runAlone(verifyCommand, args, io);
}

async function runVerify(trail: string, flags: VerifyFlags, io: CliIo): Promise<number> {
  let report: TrailReport;
  try {
    report = await verifyTrailSource(trail, { ...(flags.publicKey && { publicKeys: flags.publicKey }), ...(io.stdin && { stdin: io.stdin }) });
  } catch (error) {
    io.stderr.write(`otel-agent-audit verify: ${(error as Error).message}\n`);
    return EXIT_FAILURE;
  }
  io.stdout.write(flags.json ? `${JSON.stringify(report, null, 2)}\n` : formatTrailReport(report));
  return report.ok ? EXIT_OK : EXIT_FAILURE;
}

/** A `--public-key` value as the base64url raw key verifyTrail pins, added to the earlier ones. */
function collectKey(text: string, previous: string[] | undefined): string[] {
  const key = publicKeyFromText(text);
  if ('problem' in key) throw new InvalidArgumentError(key.problem);
  return [...(previous ?? []), key.publicKeyText];
}
