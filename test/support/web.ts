/**
 * The dashboard over plain HTTP, as a browser without JavaScript would use it: a cookie jar,
 * redirects followed by hand, and the whole OAuth2 sign-in through the emulator's consent page.
 * For API tests that need many sessions quickly; the browser tests use real Chromium.
 */
import { ScanCommand } from '@aws-sdk/lib-dynamodb';
import type { EmulatedUser } from './discord-emulator';
import type { Harness } from './harness';

interface StoredCookie {
  value: string;
  path: string;
}

/** A minimal cookie jar for one origin: name → value, honouring Path, Max-Age=0 and Expires. */
export class CookieJar {
  readonly cookies = new Map<string, StoredCookie>();

  store(response: Response): void {
    for (const header of response.headers.getSetCookie()) {
      const [pair, ...attributes] = header.split(';').map((part) => part.trim());
      const eq = pair.indexOf('=');
      const name = pair.slice(0, eq);
      const value = pair.slice(eq + 1);
      const attr = new Map(attributes.map((a) => [a.split('=')[0].toLowerCase(), a.split('=').slice(1).join('=')]));
      const expired = attr.get('max-age') === '0' || (attr.has('expires') && Date.parse(attr.get('expires')!) <= Date.now()) || value === '';
      if (expired) this.cookies.delete(name);
      else this.cookies.set(name, { value, path: attr.get('path') || '/' });
    }
  }

  header(path: string): string | undefined {
    const sent = [...this.cookies].filter(([, c]) => path.startsWith(c.path)).map(([name, c]) => `${name}=${c.value}`);
    return sent.length ? sent.join('; ') : undefined;
  }

  get(name: string): string | undefined {
    return this.cookies.get(name)?.value;
  }

  set(name: string, value: string): void {
    this.cookies.set(name, { value, path: '/' });
  }
}

export interface WebResponse {
  status: number;
  headers: Headers;
  text: string;
  json: any;
}

/** One browser-like client of the dashboard: its own cookies. */
export class WebClient {
  readonly jar = new CookieJar();
  csrf: string | undefined;

  constructor(readonly baseUrl: string) {}

  async request(path: string, init: { method?: string; headers?: Record<string, string>; body?: string; cookies?: boolean } = {}): Promise<WebResponse> {
    const url = new URL(path, this.baseUrl);
    const cookie = init.cookies === false ? undefined : this.jar.header(url.pathname);
    const res = await fetch(url, {
      method: init.method ?? 'GET',
      headers: { ...(cookie ? { cookie } : {}), ...init.headers },
      body: init.body,
      redirect: 'manual',
      signal: AbortSignal.timeout(10_000),
    });
    if (url.origin === new URL(this.baseUrl).origin) this.jar.store(res);
    const text = await res.text();
    let json: any;
    try {
      json = text ? JSON.parse(text) : undefined;
    } catch {
      json = undefined;
    }
    return { status: res.status, headers: res.headers, text, json };
  }

  get(path: string): Promise<WebResponse> {
    return this.request(path);
  }

  /** A write with the CSRF token from GET /api/v1/me (unless `csrf: false`). */
  post(path: string, body?: unknown, options: { csrf?: boolean; headers?: Record<string, string> } = {}): Promise<WebResponse> {
    return this.write('POST', path, body, options);
  }

  delete(path: string, options: { csrf?: boolean } = {}): Promise<WebResponse> {
    return this.write('DELETE', path, undefined, options);
  }

  private write(method: string, path: string, body: unknown, options: { csrf?: boolean; headers?: Record<string, string> }): Promise<WebResponse> {
    const headers: Record<string, string> = body === undefined ? {} : { 'content-type': 'application/json' };
    if (options.csrf !== false && this.csrf) headers['x-csrf-token'] = this.csrf;
    return this.request(path, { method, headers: { ...headers, ...options.headers }, body: body === undefined ? undefined : JSON.stringify(body) });
  }
}

/**
 * Every item of the four tables, read consistently and in a stable order: compare two snapshots
 * to show a refused request wrote nothing anywhere (history markers included).
 */
export async function snapshotTables(h: Harness): Promise<string> {
  const tables: Record<string, unknown[]> = {};
  for (const [kind, name] of Object.entries(h.storage.tables)) {
    const items: unknown[] = [];
    let start: Record<string, unknown> | undefined;
    for (let page = 0; page < 100; page++) {
      const out = await h.storage.db.send(new ScanCommand({ TableName: name, ConsistentRead: true, ExclusiveStartKey: start }));
      items.push(...(out.Items ?? []));
      start = out.LastEvaluatedKey;
      if (!start) break;
    }
    tables[kind] = items.map((i) => JSON.stringify(i, canonical)).sort();
  }
  return JSON.stringify(tables);
}

/** Sets as sorted arrays, object keys in order: the same item always reads the same. */
function canonical(_key: string, value: unknown): unknown {
  if (value instanceof Set) return [...value].sort();
  if (value && typeof value === 'object' && !Array.isArray(value)) return Object.fromEntries(Object.entries(value).sort(([a], [b]) => a.localeCompare(b)));
  return value;
}

/** The sign-in a browser makes, step by step; returns the last answer (the callback's). */
export async function signInSteps(client: WebClient, h: Harness, user: EmulatedUser): Promise<WebResponse> {
  h.emulator.oauth.signInAs(user);
  const login = await client.get('/login');
  if (login.status !== 302) throw new Error(`/login answered ${login.status}: ${login.text}`);
  const authorize = await fetch(login.headers.get('location')!, { redirect: 'manual', signal: AbortSignal.timeout(10_000) });
  let callback: string;
  if (authorize.status === 302) {
    callback = authorize.headers.get('location')!;
  } else {
    const html = await authorize.text();
    if (authorize.status !== 200) throw new Error(`authorize answered ${authorize.status}: ${html}`);
    const fields = [...html.matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)">/g)].map((m): [string, string] => [m[1], m[2].replace(/&#(\d+);/g, (_, c) => String.fromCharCode(Number(c)))]);
    const consent = await fetch(new URL('/oauth2/authorize', login.headers.get('location')!), {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams([...fields, ['decision', 'authorize']]),
      redirect: 'manual',
      signal: AbortSignal.timeout(10_000),
    });
    if (consent.status !== 302) throw new Error(`consent answered ${consent.status}`);
    callback = consent.headers.get('location')!;
  }
  if (!callback.startsWith(client.baseUrl)) throw new Error(`Discord sent the browser to ${callback}`);
  return client.get(callback.slice(client.baseUrl.length));
}

/** A signed-in client for `user`, with its CSRF token read from GET /api/v1/me. */
export async function signIn(h: Harness, user: EmulatedUser): Promise<WebClient> {
  if (!h.webUrl) throw new Error('start the harness with { web: true }');
  const client = new WebClient(h.webUrl);
  const done = await signInSteps(client, h, user);
  if (done.status !== 303) throw new Error(`sign-in of ${user.username} ended with ${done.status}: ${done.text}`);
  const me = await client.get('/api/v1/me');
  if (me.status !== 200) throw new Error(`GET /api/v1/me answered ${me.status} after sign-in`);
  client.csrf = me.json.csrf_token;
  return client;
}

export interface DrawMessages {
  /** Resolves once the bot has recorded where the draw's Discord message is (at once if it has). */
  posted(drawId: string): Promise<void>;
}

/**
 * Watches the bot record where each draw's message is (DrawsService.setMessage, after it posts
 * one): a draw started on the web is posted in the announcement channel a moment after the API
 * answers, and a test awaits that instead of sleeping.
 */
export function followDrawMessages(h: Harness): DrawMessages {
  const draws = h.app.services.draws;
  const original = draws.setMessage.bind(draws);
  const recorded = new Map<string, { promise: Promise<void>; resolve: () => void }>();
  const entry = (id: string) => {
    let found = recorded.get(id);
    if (!found) {
      let resolve!: () => void;
      const promise = new Promise<void>((r) => (resolve = r));
      recorded.set(id, (found = { promise, resolve }));
    }
    return found;
  };
  jest.spyOn(draws, 'setMessage').mockImplementation(async (id, channelId, messageId) => {
    const placed = await original(id, channelId, messageId);
    entry(id).resolve();
    return placed;
  });
  return {
    async posted(drawId) {
      let timer: NodeJS.Timeout | undefined;
      const late = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`the bot did not post draw ${drawId} within 10 s`)), 10_000)));
      try {
        await Promise.race([entry(drawId).promise, late]);
      } finally {
        clearTimeout(timer);
      }
    },
  };
}
