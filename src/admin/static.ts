import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { extname, join, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FastifyInstance } from 'fastify';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.json': 'application/json',
  '.woff2': 'font/woff2',
};

/** web/dist beside src/ or dist/: the same two levels up from this file, run from source or built. */
export function defaultWebRoot(): string {
  return fileURLToPath(new URL('../../web/dist/', import.meta.url));
}

const missing = `<!doctype html><html><head><meta charset="utf-8"><title>Mailwarden</title></head><body>
<h1>Console not built / 管理画面がビルドされていません</h1>
<p>Run <code>npm run build:web</code>, then reload. The API works without it: <a href="/api/openapi.json">/api/openapi.json</a>.</p>
<p><code>npm run build:web</code> を実行してから再読み込みしてください。API は利用できます: <a href="/api/openapi.json">/api/openapi.json</a></p>
</body></html>`;

/**
 * Serves the built console. Paths are resolved and must stay inside the root (no traversal);
 * hashed assets are cached for a year, index.html never, so a new build shows at once.
 */
export function serveConsole(app: FastifyInstance, root: string): void {
  const base = resolve(root);
  app.get('/*', async (req, reply) => {
    const path = safeDecode(req.url.split('?')[0]);
    if (path === null || path.startsWith('/api/')) return reply.callNotFound();
    let file = resolve(join(base, path === '/' ? 'index.html' : path));
    if (!file.startsWith(base + sep) || !existsSync(file) || !extname(file)) file = join(base, 'index.html');
    if (!existsSync(file)) return reply.type('text/html; charset=utf-8').header('cache-control', 'no-store').send(missing);
    const immutable = file.includes(`${sep}assets${sep}`);
    reply.header('cache-control', immutable ? 'public, max-age=31536000, immutable' : 'no-cache');
    return reply.type(TYPES[extname(file)] ?? 'application/octet-stream').send(await readFile(file));
  });
}

function safeDecode(s: string): string | null {
  try {
    return decodeURIComponent(s);
  } catch {
    return null;
  }
}
