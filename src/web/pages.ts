/**
 * The HTML the server sends. The dashboard itself is one static page and one script
 * (static/index.html, static/app.js) that reads the API; the server renders only short
 * messages (a refused or failed sign-in), every value escaped. No inline script or style.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import type { WebContext } from './context';
import { escapeHtml } from './security';

export const STATIC_DIR = path.join(__dirname, 'static');

const file = (name: string) => readFileSync(path.join(STATIC_DIR, name), 'utf8');

export function messagePage(title: string, paragraphs: string[], link: { href: string; text: string } = { href: '/signin', text: 'Back to sign-in' }): string {
  return [
    '<!doctype html>',
    '<html lang="en"><head><meta charset="utf-8">',
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    '<link rel="icon" href="data:,"><link rel="stylesheet" href="/static/style.css">',
    `<title>${escapeHtml(title)} · FlavaFlav</title></head>`,
    '<body><main class="narrow"><section class="card message">',
    `<h1>${escapeHtml(title)}</h1>`,
    ...paragraphs.map((p) => `<p>${escapeHtml(p)}</p>`),
    `<p><a class="button" href="${escapeHtml(link.href)}">${escapeHtml(link.text)}</a></p>`,
    '</section></main></body></html>',
  ].join('\n');
}

export function pageRoutes(app: FastifyInstance, _ctx: WebContext): void {
  // Read once at start: both are fixed shells, the data comes from the API.
  const dashboard = file('index.html');
  const signIn = file('signin.html');

  app.get('/', async (request, reply) => {
    if (!request.viewer) return reply.redirect('/signin', 302);
    return reply.type('text/html; charset=utf-8').send(dashboard);
  });

  app.get('/signin', async (request, reply) => {
    if (request.viewer) return reply.redirect('/', 302);
    return reply.type('text/html; charset=utf-8').send(signIn);
  });
}
