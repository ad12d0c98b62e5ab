// How deeply a JSON text nests, measured on the text before it is parsed.
// JSON.parse copes with deep input, but what follows does not: JSON.stringify
// overflows the stack at a few thousand levels, and a trail line that cannot
// be serialised again would keep the receiver from restarting on its file.
// A scan of the text, with no recursion, stops a 100,000-deep body cheaply.

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const OPEN_BRACE = 0x7b;
const CLOSE_BRACE = 0x7d;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACKET = 0x5d;

/**
 * True when `text` opens more than `maxDepth` objects and arrays inside one
 * another. Brackets inside strings do not count. The text need not be valid
 * JSON: an invalid text is left to `JSON.parse` to refuse.
 *
 * @example
 * exceedsJsonDepth('{"a":[[1]]}', 2); // true: three levels
 */
export function exceedsJsonDepth(text: string, maxDepth: number): boolean {
  let depth = 0;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code === QUOTE) {
      i = closingQuote(text, i);
      if (i === -1) return false;
    } else if (code === OPEN_BRACE || code === OPEN_BRACKET) {
      if (++depth > maxDepth) return true;
    } else if (code === CLOSE_BRACE || code === CLOSE_BRACKET) {
      depth--;
    }
  }
  return false;
}

/** Index of the quote closing the string opened at `open`, or -1 if there is none. */
function closingQuote(text: string, open: number): number {
  let at = open;
  for (;;) {
    // indexOf skips string content far faster than a character loop, and most
    // of an audit event's bytes are string content.
    at = text.indexOf('"', at + 1);
    if (at === -1) return -1;
    let backslashes = 0;
    while (text.charCodeAt(at - 1 - backslashes) === BACKSLASH) backslashes++;
    if (backslashes % 2 === 0) return at;
  }
}
