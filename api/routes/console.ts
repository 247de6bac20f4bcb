/**
 * The connector console (`console/`): its prebuilt assets served at `/` by the API process, same origin, so
 * the page calls the API with the account key it keeps in session storage and nothing comes from a CDN.
 * The files are read once at start-up from the build folder; only the names in its manifest are served.
 */
import { readFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { ApiError } from '../errors';

/** What `console/build.ts` writes beside the assets: the hashed file names index.html refers to. */
export interface ConsoleManifest {
  files: string[];
}

const CONTENT_TYPES: Record<string, string> = {
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
};

/**
 * The page may run only its own script and style and talk only to its own origin: an injected record value
 * can never load code, and the key in session storage can only be sent back here.
 */
const CONTENT_SECURITY_POLICY = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

const notBuilt = () =>
  new ApiError(503, 'console_not_built', 'the console is not built: run `npm run console:build`');

export const consoleRoutes: FastifyPluginAsyncZod<{ dir: string }> = async (app, { dir }) => {
  const manifestFile = join(dir, 'manifest.json');
  const built = existsSync(manifestFile);
  const index = built ? readFileSync(join(dir, 'index.html')) : null;
  const assets = new Map<string, { body: Buffer; type: string }>();
  if (built) {
    const manifest = JSON.parse(readFileSync(manifestFile, 'utf8')) as ConsoleManifest;
    for (const name of manifest.files) {
      const ext = name.slice(name.lastIndexOf('.'));
      assets.set(name, {
        body: readFileSync(join(dir, name)),
        type: CONTENT_TYPES[ext] ?? 'application/octet-stream',
      });
    }
  }

  // Registered inside this plugin only: the JSON API keeps its own headers.
  app.addHook('onSend', async (_request, reply) => {
    reply.header('content-security-policy', CONTENT_SECURITY_POLICY);
    reply.header('x-content-type-options', 'nosniff');
    reply.header('referrer-policy', 'no-referrer');
  });

  app.get('/', { config: { access: 'public' }, schema: { hide: true } }, async (_request, reply) => {
    if (!index) throw notBuilt();
    return reply.type('text/html; charset=utf-8').header('cache-control', 'no-cache').send(index);
  });

  app.get(
    '/console/:file',
    {
      config: { access: 'public' },
      schema: { hide: true, params: z.object({ file: z.string().max(100) }).strict() },
    },
    async (request, reply) => {
      const asset = assets.get(request.params.file);
      if (!asset) throw new ApiError(404, 'not_found', `no console file ${request.params.file}`);
      // Names carry a content hash: a new build has new names, so a browser may keep these for good.
      return reply
        .type(asset.type)
        .header('cache-control', 'public, max-age=31536000, immutable')
        .send(asset.body);
    },
  );
};
