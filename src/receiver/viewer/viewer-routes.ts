// The trail viewer's routes under /ui: the page and its assets, and a
// read-only JSON API over the store. GET only. Who may call them is decided
// before routing (receiver.ts, viewer-access.ts).
import type { IncomingMessage, ServerResponse } from 'node:http';
import { HttpError } from '../http-error.js';
import type { TrailViewer } from './trail-viewer.js';
import { VIEWER_ASSETS } from './viewer-assets.generated.js';
import { viewerHeaders } from './viewer-headers.js';

type ViewerHandler = (req: IncomingMessage, res: ServerResponse, viewer: TrailViewer, param: string) => void;

const SESSION_EVENTS = /^\/ui\/api\/sessions\/([^/]+)\/events$/;

/** The files of the page, by path. */
const ASSET_PATHS: Readonly<Record<string, string>> = {
  '/ui/': 'index.html',
  '/ui/event-rows.js': 'event-rows.js',
  '/ui/viewer.js': 'viewer.js',
  '/ui/viewer.css': 'viewer.css',
};

/**
 * Whether `path` is the viewer's (`/ui` or under `/ui/`).
 *
 * @example
 * isViewerPath('/ui/api/sessions'); // true
 */
export function isViewerPath(path: string): boolean {
  return path === '/ui' || path.startsWith('/ui/');
}

/**
 * Whether `path` is the page or one of its assets, which hold no trail data
 * and are served without a token, so that the page can ask for the key.
 */
export function isViewerAssetPath(path: string): boolean {
  return path === '/ui' || ASSET_PATHS[path] !== undefined;
}

/**
 * Answers one request for a viewer path.
 *
 * @throws HttpError 404 for an unknown path or session, 405 (with `allow: GET`)
 *   for another method, 400 for a session id that is not valid percent-encoding.
 */
export function routeViewer(req: IncomingMessage, res: ServerResponse, viewer: TrailViewer, path: string): void {
  const matched = match(path);
  if (matched === undefined) throw new HttpError(404, `no route for ${req.method} ${path}`);
  if (req.method !== 'GET') throw new HttpError(405, `${req.method} is not allowed on ${path}; use GET`, { allow: 'GET' });
  matched.handler(req, res, viewer, matched.param);
}

function match(path: string): { handler: ViewerHandler; param: string } | undefined {
  if (path === '/ui') return { handler: redirectToPage, param: '' };
  const asset = ASSET_PATHS[path];
  if (asset !== undefined) return { handler: sendAsset, param: asset };
  if (path === '/ui/api/sessions') return { handler: listSessions, param: '' };
  if (path === '/ui/api/summary') return { handler: sendSummary, param: '' };
  if (path === '/ui/api/stream') return { handler: (req, res, viewer) => viewer.streams.attach(req, res), param: '' };
  const parts = SESSION_EVENTS.exec(path);
  return parts === null ? undefined : { handler: sessionEvents, param: parts[1]! };
}

/** `/ui` → `/ui/`, so the page's relative asset URLs resolve under /ui/. */
function redirectToPage(_req: IncomingMessage, res: ServerResponse): void {
  res.writeHead(301, { location: '/ui/', 'content-length': 0 });
  res.end();
}

function sendAsset(_req: IncomingMessage, res: ServerResponse, _viewer: TrailViewer, name: string): void {
  const asset = VIEWER_ASSETS[name]!;
  const body = Buffer.from(asset.body, 'utf8');
  res.writeHead(200, { ...viewerHeaders(asset.contentType, 'no-cache'), 'content-length': body.length });
  res.end(body);
}

function listSessions(_req: IncomingMessage, res: ServerResponse, viewer: TrailViewer): void {
  sendApiJson(res, JSON.stringify({ sessions: viewer.sessions.list() }));
}

function sendSummary(_req: IncomingMessage, res: ServerResponse, viewer: TrailViewer): void {
  sendApiJson(res, JSON.stringify(viewer.sessions.totals()));
}

function sessionEvents(_req: IncomingMessage, res: ServerResponse, viewer: TrailViewer, encoded: string): void {
  const id = decodeSegment(encoded);
  const found = viewer.sessions.events(id);
  if (found === undefined) throw new HttpError(404, `session '${id}' not found; GET /ui/api/sessions lists the sessions`);
  // The stored events are already serialised; join them instead of re-serialising.
  sendApiJson(res, `{"session":${JSON.stringify(found.summary)},"events":[${found.events.join(',')}]}`);
}

function decodeSegment(encoded: string): string {
  try {
    return decodeURIComponent(encoded);
  } catch {
    throw new HttpError(400, `session id '${encoded}' is not valid percent-encoding`);
  }
}

function sendApiJson(res: ServerResponse, json: string): void {
  const body = Buffer.from(json, 'utf8');
  res.writeHead(200, { ...viewerHeaders('application/json; charset=utf-8', 'no-store'), 'content-length': body.length });
  res.end(body);
}
