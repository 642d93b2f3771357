/**
 * The web dashboard's server (docs/web-api.md), in the bot's own process: fastify with signed
 * cookies, rate limits and static files, built from what the app hands it (no globals), so tests
 * start the same server the process runs.
 */
import type { AddressInfo } from 'node:net';
import fastifyCookie from '@fastify/cookie';
import fastifyRateLimit from '@fastify/rate-limit';
import fastifyStatic from '@fastify/static';
import Fastify, { LogController, type FastifyBaseLogger, type FastifyError, type FastifyInstance } from 'fastify';
import { InvalidCursorError } from '../services/pagination';
import { isDynamoUnavailable } from '../services/errors';
import { apiRoutes } from './api';
import { authRoutes } from './auth';
import { DEFAULT_RATE_LIMITS, readKind, webContext, type WebDeps } from './context';
import { HttpError, notSignedIn } from './errors';
import { messagePage, pageRoutes, STATIC_DIR } from './pages';
import { addSecurityHeaders } from './security';
import { subKey } from './session';

/** Rate-limit counters kept in memory at most (least recently used dropped first). */
const RATE_LIMIT_COUNTERS = 10_000;

export type { WebDeps } from './context';
export type { WebDiscord } from './discord';

export interface WebServer {
  port: number;
  close(): Promise<void>;
}

export async function buildWebServer(deps: WebDeps): Promise<FastifyInstance> {
  const app = Fastify({
    loggerInstance: deps.logger.child({ component: 'web' }) as FastifyBaseLogger,
    // One line per sign-in and per failure is enough; request lines would drown the bot's.
    logController: new LogController({ disableRequestLogging: true }),
    bodyLimit: 64 * 1024,
    // A reverse proxy terminates TLS; rate limits then count the client's address it forwards,
    // not the proxy's. Only from the peers TRUST_PROXY names (loopback by default): anyone else's
    // X-Forwarded-For is ignored, so it cannot choose the address a limit counts.
    trustProxy: deps.config.web.trustProxy,
  });
  // Cookies are signed with a key derived for them alone (the cursors' seals have another).
  const sessionSecret = deps.config.web.sessionSecret;
  await app.register(fastifyCookie, sessionSecret ? { secret: subKey(sessionSecret, 'session cookies') } : {});
  await app.register(fastifyRateLimit, {
    global: false,
    // Counters per address or member and route group, in an LRU of this many (the plugin's store).
    cache: RATE_LIMIT_COUNTERS,
    errorResponseBuilder: (_request, context) => new HttpError(429, `Too many requests. Try again in ${context.after}.`),
  });
  const limits = { ...DEFAULT_RATE_LIMITS, ...deps.rateLimits };
  const ctx = webContext(deps, {
    signIn: app.rateLimit({ max: limits.signInPerMinute, timeWindow: 60_000 }),
    write: app.rateLimit({ max: limits.writesPerMinute, timeWindow: 60_000, keyGenerator: (request) => `user:${request.viewer?.id ?? request.ip}` }),
    // One limiter for every read (the plugin runs one limiter per request), its key and budget
    // by the kind of read: each kind is counted on its own.
    read: app.rateLimit({
      keyGenerator: (request) => `${readKind(request)}:${request.viewer?.id ?? request.ip}`,
      max: (_request, key) => (key.startsWith('export:') ? limits.exportsPerHour : key.startsWith('roster:') ? limits.rosterReadsPerMinute : limits.readsPerMinute),
      timeWindow: (_request, key) => (key.startsWith('export:') ? 3_600_000 : 60_000),
    }),
    health: app.rateLimit({ max: limits.healthChecksPerMinute, timeWindow: 60_000, keyGenerator: (request) => `health:${request.ip}` }),
  });
  addSecurityHeaders(app, { https: ctx.https });

  // Before any route or plugin: an encapsulated plugin keeps the handlers it was created with.
  app.setNotFoundHandler(async (request, reply) => {
    const isApi = request.url.startsWith('/api/');
    if (!request.viewer) {
      // Without a session nothing else answers: the API says 401, anything else goes to sign-in.
      if (isApi) throw notSignedIn();
      return reply.redirect('/signin', 302);
    }
    if (isApi) throw new HttpError(404, `No such API route: ${request.method} ${request.url.split('?')[0]}`);
    return reply.code(404).type('text/html; charset=utf-8').send(messagePage('Not found', ['There is no such page.'], { href: '/', text: 'Back to the dashboard' }));
  });

  app.setErrorHandler(async (error: FastifyError, request, reply) => {
    let status: number;
    let message: string;
    let extra: Record<string, unknown> = {};
    if (error instanceof HttpError) [status, message, extra] = [error.statusCode, error.message, error.extra];
    else if (error instanceof InvalidCursorError) [status, message] = [400, 'cursor is not valid: start again from the first page'];
    else if (error.statusCode !== undefined && error.statusCode >= 400 && error.statusCode < 500) [status, message] = [error.statusCode, error.message];
    else if (isDynamoUnavailable(error)) {
      request.log.warn({ err: error, url: request.url.split('?')[0] }, 'web request: DynamoDB unavailable');
      [status, message] = [503, 'The database is not answering. Try again in a minute.'];
    } else {
      request.log.error({ err: error, method: request.method, url: request.url.split('?')[0] }, 'web request failed');
      [status, message] = [500, 'Something went wrong on our side. Try again; if it keeps happening, tell an officer.'];
    }
    if (request.url.startsWith('/api/') || request.method !== 'GET') return reply.code(status).send({ error: message, ...extra });
    return reply.code(status).type('text/html; charset=utf-8').send(messagePage(status === 429 ? 'Slow down' : 'Something went wrong', [message]));
  });

  await app.register(fastifyStatic, {
    root: STATIC_DIR,
    prefix: '/static/',
    index: false,
    list: false,
    // The pages are served by their routes, behind the session check; here only scripts and styles.
    allowedPath: (pathName) => /^\/[a-z0-9-]+\.(js|css)$/.test(pathName),
  });

  // Cheap and limited: one check every few seconds at most (shared), and a per-address limit.
  app.get('/healthz', { onRequest: ctx.limits.health }, async (_request, reply) => {
    const health = await ctx.health();
    const { ok, ...rest } = health;
    return reply.code(ok ? 200 : 503).send({ status: ok ? 'ok' : 'unavailable', ...rest });
  });

  authRoutes(app, ctx);
  pageRoutes(app, ctx);
  await app.register(async (api) => apiRoutes(api, ctx));

  return app;
}

export async function startWebServer(deps: WebDeps, port: number, host = deps.config.web.host): Promise<WebServer> {
  const app = await buildWebServer(deps);
  await app.listen({ port, host });
  const bound = (app.server.address() as AddressInfo).port;
  return { port: bound, close: () => app.close() };
}
