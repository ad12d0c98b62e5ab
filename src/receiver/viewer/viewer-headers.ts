// The response headers of every trail viewer answer. The viewer shows
// untrusted text (prompts, tool arguments, model output), so the page is
// locked down as far as a plain page can be: its own script and style only,
// no inline script, no framing, no plugins, nothing sent elsewhere.

/**
 * The viewer's Content Security Policy: everything from the receiver itself
 * (`'self'`), no inline script or style, no `<object>`, no `<base>`, and no
 * embedding in another page (CSP Level 3 §6).
 */
export const VIEWER_CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

/**
 * Headers for a viewer answer of `contentType`. `no-cache` makes the
 * browser revalidate, so a new receiver's assets are never stale; the API's
 * answers are live data and are not stored at all (`no-store`).
 *
 * @example
 * res.writeHead(200, viewerHeaders('text/css; charset=utf-8', 'no-cache'));
 */
export function viewerHeaders(contentType: string, cacheControl: 'no-cache' | 'no-store'): Record<string, string> {
  return {
    'content-type': contentType,
    'cache-control': cacheControl,
    'content-security-policy': VIEWER_CSP,
    'x-content-type-options': 'nosniff',
    'referrer-policy': 'no-referrer',
    'x-frame-options': 'DENY',
  };
}
