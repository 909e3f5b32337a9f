/**
 * The staff console in the local mode: serves build/console/ (`npm run build:console`) at /console/
 * with the same security headers CloudFront adds in AWS, `/console/config.json` for this instance,
 * and a same-origin pass-through to the emulator's Cognito API at /console/cognito (moto answers no
 * CORS preflight, and the console's CSP then needs no second origin). Never part of the stack.
 */
import { existsSync, readFileSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { extname, join } from 'node:path';
import { CONSOLE_BUILD_DIR } from '../build-console';
import type { ConsoleConfig } from '../../shared/console/config';
import { CONSOLE_HEADERS, consoleCsp } from '../../shared/console/headers';

export const CONSOLE_COGNITO_PROXY = '/console/cognito';
const ASSET = /^\/console\/([A-Za-z0-9_-]+\.(js|css|html|png|svg))$/;
const TYPES: Record<string, string> = {
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.html': 'text/html; charset=utf-8',
  '.png': 'image/png',
  '.svg': 'image/svg+xml',
};
/** Cognito's JSON API takes at most this much; a sign-in is a few hundred bytes. */
const MAX_COGNITO_BODY = 64 * 1024;

export interface ConsoleServeOptions {
  /** This instance's settings for the console; the local pool's ids come from the local Cognito set-up. */
  config: () => ConsoleConfig;
  /** The emulator's endpoint, where Cognito calls are passed on to. */
  cognitoUpstream: string;
  dir?: string;
}

const headers = (type: string, extra: Record<string, string> = {}) => ({
  'content-type': type,
  ...CONSOLE_HEADERS,
  'content-security-policy': consoleCsp([]),
  ...extra,
});

async function passToCognito(req: IncomingMessage, res: ServerResponse, upstream: string) {
  const target = req.headers['x-amz-target'];
  if (req.method !== 'POST' || typeof target !== 'string' || !target.startsWith('AWSCognitoIdentityProviderService.')) {
    res.writeHead(400, { 'content-type': 'application/json' });
    return res.end(JSON.stringify({ __type: 'InvalidRequest', message: 'POST a Cognito JSON API call' }));
  }
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_COGNITO_BODY) {
      res.writeHead(413, { 'content-type': 'application/json' });
      return res.end(JSON.stringify({ __type: 'RequestTooLarge', message: 'Body too large' }));
    }
    chunks.push(chunk);
  }
  const answer = await fetch(upstream, {
    method: 'POST',
    headers: { 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': target },
    body: Buffer.concat(chunks),
  });
  res.writeHead(answer.status, { 'content-type': 'application/x-amz-json-1.1', 'cache-control': 'no-store' });
  res.end(Buffer.from(await answer.arrayBuffer()));
}

/** Serves /console and everything under it; answers false for every other request. */
export function consoleHandler(options: ConsoleServeOptions) {
  const dir = options.dir ?? CONSOLE_BUILD_DIR;
  return async (req: IncomingMessage, res: ServerResponse, url: URL): Promise<boolean> => {
    const path = url.pathname;
    if (path !== '/console' && !path.startsWith('/console/')) return false;
    if (path === CONSOLE_COGNITO_PROXY) {
      await passToCognito(req, res, options.cognitoUpstream);
      return true;
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { allow: 'GET, HEAD', 'content-type': 'text/plain; charset=utf-8' });
      res.end('Method not allowed');
      return true;
    }
    if (path === '/console') {
      res.writeHead(301, { location: `/console/${url.search}` });
      res.end();
      return true;
    }
    if (path === '/console/config.json') {
      res.writeHead(200, headers('application/json', { 'cache-control': 'no-store' }));
      res.end(req.method === 'HEAD' ? undefined : JSON.stringify(options.config()));
      return true;
    }
    const index = join(dir, 'index.html');
    if (!existsSync(index)) {
      res.writeHead(503, { 'content-type': 'text/plain; charset=utf-8' });
      res.end('The console is not built: run `npm run build:console` (npm start does it).');
      return true;
    }
    const asset = ASSET.exec(path);
    // Any other path is a page of the console's own router: the app shell answers it.
    const file = asset && existsSync(join(dir, asset[1]!)) ? join(dir, asset[1]!) : asset && asset[2] !== 'html' ? undefined : index;
    if (!file) {
      res.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' });
      res.end('Not found');
      return true;
    }
    // Hashed names never change their content; the shell is asked for again every time.
    const immutable = file !== index && /-[A-Z0-9]{8}\.(js|css)$/.test(file);
    res.writeHead(
      200,
      headers(TYPES[extname(file)] ?? 'application/octet-stream', { 'cache-control': immutable ? 'public, max-age=31536000, immutable' : 'no-cache' }),
    );
    res.end(req.method === 'HEAD' ? undefined : readFileSync(file));
    return true;
  };
}
