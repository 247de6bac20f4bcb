/**
 * Builds the console (`console/src`) into `dist/console`: one minified, content-hashed script and style
 * sheet, an index.html naming them, and a manifest of the files the API may serve. No CDN, no runtime
 * fetch of anything but the API. `tsx console/build.ts` (npm run console:build); tests and `npm start`
 * call {@link ensureConsoleBuilt}, which rebuilds only when a source is newer than the build.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { gzipSync } from 'node:zlib';
import { build } from 'esbuild';

const projectRoot = join(__dirname, '..');
const sourceDir = join(__dirname, 'src');
/** Where the API process reads the console from (`api/server.ts`). */
export const CONSOLE_DIST = join(projectRoot, 'dist', 'console');

export interface ConsoleBuild {
  dir: string;
  files: string[];
  /** Gzipped size of the script, the figure the bundle budget (200 KB) is about. */
  scriptGzipBytes: number;
  cssGzipBytes: number;
}

const hashed = (base: string, ext: string, body: Uint8Array) =>
  `${base}-${createHash('sha256').update(body).digest('hex').slice(0, 10)}${ext}`;

/** Builds the console into `outDir` (default `dist/console`), replacing what was there. */
export async function buildConsole(outDir = CONSOLE_DIST): Promise<ConsoleBuild> {
  const result = await build({
    entryPoints: [join(sourceDir, 'main.tsx')],
    bundle: true,
    minify: true,
    format: 'esm',
    target: ['chrome110', 'firefox115', 'safari16'],
    jsx: 'automatic',
    jsxImportSource: 'preact',
    write: false,
    outdir: outDir,
    loader: { '.css': 'css' },
    legalComments: 'none',
    logLevel: 'silent',
    define: { 'process.env.NODE_ENV': '"production"' },
  });
  const script = result.outputFiles.find((f) => f.path.endsWith('.js'));
  const style = result.outputFiles.find((f) => f.path.endsWith('.css'));
  if (!script || !style) throw new Error('the console build produced no script or no style sheet');
  const scriptName = hashed('app', '.js', script.contents);
  const styleName = hashed('app', '.css', style.contents);
  const html = readFileSync(join(__dirname, 'index.html'), 'utf8')
    .replace('%SCRIPT%', `/console/${scriptName}`)
    .replace('%STYLE%', `/console/${styleName}`);

  rmSync(outDir, { recursive: true, force: true });
  mkdirSync(outDir, { recursive: true });
  writeFileSync(join(outDir, scriptName), script.contents);
  writeFileSync(join(outDir, styleName), style.contents);
  writeFileSync(join(outDir, 'index.html'), html);
  const files = [scriptName, styleName];
  // Written last: its presence says the build is complete.
  writeFileSync(join(outDir, 'manifest.json'), JSON.stringify({ files }, null, 2));
  return {
    dir: outDir,
    files,
    scriptGzipBytes: gzipSync(script.contents).length,
    cssGzipBytes: gzipSync(style.contents).length,
  };
}

function newestSource(dir: string): number {
  return Math.max(
    ...readdirSync(dir, { withFileTypes: true }).map((e) =>
      e.isDirectory() ? newestSource(join(dir, e.name)) : statSync(join(dir, e.name)).mtimeMs,
    ),
  );
}

/** True when `dist/console` is missing or older than a source file, the page template or this script. */
export function consoleIsStale(outDir = CONSOLE_DIST): boolean {
  const manifest = join(outDir, 'manifest.json');
  if (!existsSync(manifest)) return true;
  const built = statSync(manifest).mtimeMs;
  const inputs = Math.max(
    newestSource(sourceDir),
    statSync(join(__dirname, 'index.html')).mtimeMs,
    statSync(__filename).mtimeMs,
  );
  return inputs > built;
}

/** Builds the console when it is missing or stale; returns its folder. */
export async function ensureConsoleBuilt(outDir = CONSOLE_DIST): Promise<string> {
  if (consoleIsStale(outDir)) await buildConsole(outDir);
  return outDir;
}

if (require.main === module) {
  buildConsole()
    .then((b) => {
      const kb = (n: number) => `${(n / 1024).toFixed(1)} KB`;
      console.log(
        `console built in ${relative(projectRoot, b.dir)}: script ${kb(b.scriptGzipBytes)} gzipped, style ${kb(b.cssGzipBytes)} gzipped`,
      );
    })
    .catch((err: unknown) => {
      console.error(`console build failed: ${(err as Error).message}`);
      process.exit(1);
    });
}
