// Which viewer requests are served without a bearer token. The rest of the
// receiver, the viewer's API included, keeps its rule (auth.ts).
import { isViewerAssetPath, isViewerPath } from './viewer-routes.js';

/**
 * Whether a request for `path` skips the token check. The page and its
 * assets always do: they hold no trail data, and a browser cannot send a
 * header when it opens a URL, so the page must load to ask for the key.
 * The API (`/ui/api/*`) does only when `openApi`: the receiver has no
 * `apiKey` and is bound on loopback, where it accepts any token anyway (and
 * where receiver.ts refuses requests addressed to any other host name).
 *
 * @example
 * skipsToken('/ui/api/sessions', false); // false: the page sends the key
 */
export function skipsToken(path: string, openApi: boolean): boolean {
  if (!isViewerPath(path)) return false;
  return openApi || isViewerAssetPath(path);
}
