/**
 * Serves the built renderer (dist/renderer) to the browser: files only, inside the folder only
 * (a `..`, encoded or not, or a symlink leading out answers 404), never a directory listing.
 * When the renderer has not been built, every page answers 503 saying how to build it.
 */
import { createReadStream } from 'node:fs';
import { realpath, stat } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import path from 'node:path';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.gif': 'image/gif',
  '.webp': 'image/webp',
  '.ico': 'image/x-icon',
  '.woff': 'font/woff',
  '.woff2': 'font/woff2',
  '.txt': 'text/plain; charset=utf-8',
};

const NOT_BUILT = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Batchlight UI not built</title></head>
<body><h1>The Batchlight browser UI is not built</h1>
<p>The engine is running and its API is available, but the web pages are missing.
Run <code>npm run build:ui</code> in the Batchlight folder, then reload this page.</p></body></html>
`;

/** Answers a GET or HEAD for a file under `root`; `headers` go on every answer. */
export async function serveStatic(
  req: IncomingMessage,
  res: ServerResponse,
  root: string | undefined,
  headers: Readonly<Record<string, string>>,
): Promise<void> {
  const send = (status: number, type: string, body: string) => {
    res.writeHead(status, { ...headers, 'Content-Type': type, 'Cache-Control': 'no-store' });
    res.end(req.method === 'HEAD' ? undefined : body);
  };
  const realRoot = root ? await realpath(root).catch(() => undefined) : undefined;
  if (!realRoot || !(await isFile(path.join(realRoot, 'index.html')))) return send(503, 'text/html; charset=utf-8', NOT_BUILT);

  let pathname: string;
  try {
    pathname = decodeURIComponent((req.url ?? '/').split('?')[0] ?? '/');
  } catch {
    return send(400, 'text/plain; charset=utf-8', 'Bad request: the path is not valid percent-encoding\n');
  }
  if (pathname.includes('\0')) return send(400, 'text/plain; charset=utf-8', 'Bad request\n');
  const relative = pathname === '/' || pathname === '' ? 'index.html' : `.${pathname}`;
  const file = await realpath(path.resolve(realRoot, relative)).catch(() => undefined);
  if (!file || !file.startsWith(realRoot + path.sep) || !(await isFile(file))) {
    return send(404, 'text/plain; charset=utf-8', 'Not found\n');
  }
  res.writeHead(200, {
    ...headers,
    'Content-Type': TYPES[path.extname(file).toLowerCase()] ?? 'application/octet-stream',
    'Cache-Control': 'no-cache',
  });
  if (req.method === 'HEAD') return void res.end();
  const stream = createReadStream(file);
  stream.on('error', () => res.destroy());
  stream.pipe(res);
}

async function isFile(file: string): Promise<boolean> {
  return (await stat(file).catch(() => undefined))?.isFile() ?? false;
}
