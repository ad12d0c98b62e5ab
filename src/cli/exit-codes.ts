/**
 * The CLI's exit codes, one meaning each, so a script can tell a trail that
 * did not verify (1) from a command it got wrong (2).
 */

/** Done: the command did what it was asked, including help, `--version`, and filters that matched nothing. */
export const EXIT_OK = 0;

/** Failed: a trail that cannot be read, a trail that does not verify, a port already taken. */
export const EXIT_FAILURE = 1;

/** A usage mistake: unknown command or flag, a missing or bad value. The message goes to stderr with the usage. */
export const EXIT_USAGE = 2;

/**
 * The exit codes as the top-level help lists them.
 *
 * @example
 * program.addHelpText('after', EXIT_CODES_HELP);
 */
export const EXIT_CODES_HELP = `
Exit status:
  ${EXIT_OK}  success (also help, --version, and filters that match nothing)
  ${EXIT_FAILURE}  failure: a trail that cannot be read, a trail that does not verify,
     a port already taken
  ${EXIT_USAGE}  usage mistake: unknown command or flag, missing or bad value
     (the message and the usage go to stderr)`;
