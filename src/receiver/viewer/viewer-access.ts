// Which viewer requests are served without a bearer token. The rest of the
// receiver, the viewer's API included, keeps its rule (auth.ts).
import { isLoopbackAddress } from '../loopback.js';
import { isViewerAssetPath, isViewerPath } from './viewer-routes.js';

/**
 * Whether a request for `path` skips the token check. The page and its
 * assets always do: they hold no trail data, and a browser cannot send a
 * header when it opens a URL, so the page must load to ask for the key.
 * The API (`/ui/api/*`) does only when `openApi` (the receiver has no
 * `apiKey` and is bound on loopback, where it accepts any token anyway) and
 * the request names a loopback host: a web page whose domain was rebound to
 * 127.0.0.1 (DNS rebinding) sends its own domain as `Host`, and must not
 * read the trail without a token.
 *
 * @example
 * skipsToken('/ui/api/sessions', false, '127.0.0.1:8787'); // false: the page sends the key
 */
export function skipsToken(path: string, openApi: boolean, host: string | undefined): boolean {
  if (!isViewerPath(path)) return false;
  return isViewerAssetPath(path) || (openApi && isLoopbackHost(host));
}

/** `localhost`, `127.x.x.x` or `[::1]`, with or without a port. */
function isLoopbackHost(host: string | undefined): boolean {
  if (host === undefined) return false;
  const name = host.startsWith('[') ? host.slice(1, host.indexOf(']')) : host.replace(/:\d+$/, '');
  return name.toLowerCase() === 'localhost' || isLoopbackAddress(name);
}
