/**
 * The HTTP side: a route table each concern adds its routes to (routes/*.ts), and the request
 * plumbing around it: parse the body (JSON, multipart or a form), check the bot token, run the
 * route, answer Discord's error shape on a refusal, record every request.
 */
import type http from 'node:http';
import { API_VERSION, type RecordedRequest } from './model';
import { DiscordError, Refuse } from './refusals';

export interface RouteRequest {
  method: string;
  /** Decoded path without the /api/v10 prefix. */
  path: string;
  params: Record<string, string>;
  query: URLSearchParams;
  headers: http.IncomingHttpHeaders;
  body: any;
  files: RecordedRequest['files'];
  /** Arrival time on the emulator's clock: deadlines are measured to here. */
  at: number;
}

export interface RouteResponse {
  status: number;
  /** Sent as JSON. */
  body?: unknown;
  /** Sent as an HTML page instead of `body` (the OAuth2 consent page). */
  html?: string;
  headers?: Record<string, string>;
}

export interface Route {
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  /** A template such as '/channels/:channel/messages/:message'. */
  path: string;
  /**
   * Who may call it: 'bot' (default) needs the bot token; 'token' authenticates by the
   * interaction token in its path; 'bearer' by a user's OAuth2 access token, which the route
   * checks itself; 'none' is public (a page in the browser, or the OAuth2 token endpoint, which
   * checks the client's credentials itself).
   */
  auth?: 'bot' | 'token' | 'bearer' | 'none';
  /** At the site's root (Discord's web pages, e.g. /oauth2/authorize), not under /api/v10. */
  root?: boolean;
  /** Returns the answer, or throws a DiscordError for a refusal. */
  handle(req: RouteRequest): RouteResponse;
}

export class RouteTable {
  private readonly entries: { route: Route; pattern: RegExp; keys: string[] }[] = [];

  add(...routes: Route[]): this {
    for (const route of routes) {
      const keys: string[] = [];
      const source = route.path
        .split('/')
        .map((part) => (part.startsWith(':') ? (keys.push(part.slice(1)), '([^/]+)') : part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')))
        .join('/');
      this.entries.push({ route, pattern: new RegExp(`^${source}$`), keys });
    }
    return this;
  }

  /**
   * The route for a request. One path may be served twice, for the bot and for a user's bearer
   * token (GET /users/@me): the request's Authorization scheme picks which.
   */
  match(method: string, path: string, where: { underApi: boolean; bearer: boolean } = { underApi: true, bearer: false }): { route: Route; params: Record<string, string> } | undefined {
    let found: { route: Route; params: Record<string, string> } | undefined;
    for (const { route, pattern, keys } of this.entries) {
      if (route.method !== method || Boolean(route.root) === where.underApi) continue;
      const m = pattern.exec(path);
      if (!m) continue;
      const candidate = { route, params: Object.fromEntries(keys.map((k, i) => [k, m[i + 1]])) };
      if ((route.auth === 'bearer') === where.bearer) return candidate;
      found ??= candidate;
    }
    return found;
  }
}

export interface RestHost {
  readonly token: string;
  readonly routes: RouteTable;
  now(): number;
  /** The largest file Discord takes in one upload. */
  attachmentSizeLimit(): number;
  recorded(record: RecordedRequest): void;
  refused(req: RouteRequest, route: string, error: DiscordError): void;
}

export function restHandler(host: RestHost): (req: http.IncomingMessage, res: http.ServerResponse) => void {
  return (req, res) => void handle(host, req, res);
}

async function handle(host: RestHost, req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
  const at = host.now();
  const url = new URL(req.url ?? '/', 'http://127.0.0.1');
  const prefix = `/api/${API_VERSION}`;
  const underApi = url.pathname.startsWith(`${prefix}/`);
  // discord.js sends @original URL-encoded; match on the decoded path.
  const path = decodeURIComponent(underApi ? url.pathname.slice(prefix.length) : url.pathname);
  const method = req.method ?? 'GET';
  const raw = await readBody(req);
  const request: RouteRequest = { method, path, params: {}, query: url.searchParams, headers: req.headers, body: undefined, files: [], at };
  const record: RecordedRequest = { method, path, query: url.searchParams, body: undefined, files: [], at };
  const bearer = /^Bearer /.test(String(req.headers.authorization ?? ''));
  // Under /api/v10 only the API answers; elsewhere Discord's web pages (routes marked root).
  const matched = host.routes.match(method, path, { underApi, bearer });
  const label = matched ? `${method} ${matched.route.path}` : `${method} ${path}`;

  let answer: RouteResponse;
  try {
    const parsed = await parseBody(raw, String(req.headers['content-type'] ?? ''));
    request.body = record.body = parsed.body;
    request.files = record.files = parsed.files;
    // Discord refuses an upload with a file over the limit the interaction announced.
    if (parsed.files.some((f) => f.bytes.length > host.attachmentSizeLimit())) throw new DiscordError(413, 40005, 'Request entity too large');
    if (!matched) throw new DiscordError(404, 0, `emulator: no route for ${method} ${path}`);
    request.params = matched.params;
    if ((matched.route.auth ?? 'bot') === 'bot' && req.headers.authorization !== `Bot ${host.token}`) throw Refuse.unauthorized();
    answer = matched.route.handle(request);
  } catch (error) {
    if (!(error instanceof DiscordError)) throw error;
    host.refused(request, label, error);
    answer = { status: error.status, body: error.body };
  }
  if (answer.html !== undefined) {
    res.writeHead(answer.status, { 'content-type': 'text/html; charset=utf-8', ...answer.headers });
    res.end(answer.html);
  } else {
    res.writeHead(answer.status, { ...(answer.body === undefined ? {} : { 'content-type': 'application/json' }), ...answer.headers });
    res.end(answer.body === undefined ? undefined : JSON.stringify(answer.body));
  }
  record.status = answer.status;
  host.recorded(record);
}

function readBody(req: http.IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

async function parseBody(raw: Buffer, contentType: string): Promise<{ body: any; files: RecordedRequest['files'] }> {
  if (!raw.length) return { body: undefined, files: [] };
  try {
    if (contentType.startsWith('multipart/form-data')) {
      const form = await new Response(raw, { headers: { 'content-type': contentType } }).formData();
      const files: RecordedRequest['files'] = [];
      let body: any;
      for (const [key, value] of form.entries()) {
        if (key === 'payload_json') body = JSON.parse(String(value));
        else if (typeof value !== 'string') {
          const bytes = Buffer.from(await value.arrayBuffer());
          files.push({ name: value.name, contentType: value.type, text: bytes.toString('utf8'), bytes });
        }
      }
      return { body, files };
    }
    if (contentType.startsWith('application/x-www-form-urlencoded')) {
      return { body: Object.fromEntries(new URLSearchParams(raw.toString('utf8'))), files: [] };
    }
    return { body: JSON.parse(raw.toString('utf8')), files: [] };
  } catch {
    throw Refuse.invalidJson();
  }
}
