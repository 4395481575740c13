/**
 * Builds the browser app: one esbuild bundle per page folder `modeler/src/<page>/main.ts`
 * (`shared/` holds code the pages import), written to `dist/web/<page>/` with the page's CSS
 * (imported from TypeScript) and, for a page with its own `index.html`, that file with the shared
 * head (`status` has none: the server renders /status/:token around its bundle). `npm start` and
 * `npm test` run it first (`npm run build:web`); tests that need the bundle call `buildWeb()`
 * themselves when it is missing or stale.
 *
 * Run: node --import tsx modeler/build.ts
 */
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

import * as esbuild from 'esbuild';

const modelerDir = path.dirname(fileURLToPath(import.meta.url));
const repoRoot = path.resolve(modelerDir, '..');
export const WEB_DIR = path.join(repoRoot, 'dist', 'web');
const SRC = path.join(modelerDir, 'src');
/** Written last by a build: the source files it read. */
const SOURCES = 'sources.json';

/** Page folders: every folder of `modeler/src/` with a `main.ts`. */
export function pageNames(): string[] {
  return readdirSync(SRC, { withFileTypes: true })
    .filter((entry) => entry.isDirectory() && existsSync(path.join(SRC, entry.name, 'main.ts')))
    .map((entry) => entry.name)
    .sort();
}

const require = createRequire(import.meta.url);

/**
 * `bpmnlint-config:recommended`: bpmnlint's recommended rules compiled into a module (rules
 * resolved and imported at build time, as the browser has no rule resolver).
 */
const bpmnlintConfig: esbuild.Plugin = {
  name: 'bpmnlint-config',
  setup(build) {
    build.onResolve({ filter: /^bpmnlint-config:/ }, (args) => ({ path: args.path.slice('bpmnlint-config:'.length), namespace: 'bpmnlint-config' }));
    build.onLoad({ filter: /.*/, namespace: 'bpmnlint-config' }, async (args) => {
      const compileConfig = require('bpmnlint/lib/support/compile-config') as (config: unknown) => Promise<string>;
      return { contents: await compileConfig({ extends: `bpmnlint:${args.path}` }), loader: 'js', resolveDir: repoRoot };
    });
  },
};

/** `locales/`: the i18next catalogs, bundled into every page through `baton-locales:all`. */
export const LOCALES_DIR = path.join(repoRoot, 'locales');

/**
 * `baton-locales:all`: every catalog file `locales/<lang>/<namespace>.json` as one module
 * (`{ en: { common: {...} }, ru: {...} }`), so a new catalog or language needs no import line.
 */
const localesModule: esbuild.Plugin = {
  name: 'baton-locales',
  setup(build) {
    build.onResolve({ filter: /^baton-locales:all$/ }, () => ({ path: 'all', namespace: 'baton-locales' }));
    build.onLoad({ filter: /.*/, namespace: 'baton-locales' }, () => {
      const resources: Record<string, Record<string, unknown>> = {};
      const watchFiles: string[] = [];
      for (const lang of readdirSync(LOCALES_DIR).sort()) {
        const langDir = path.join(LOCALES_DIR, lang);
        if (!statSync(langDir).isDirectory()) continue;
        resources[lang] = {};
        for (const file of readdirSync(langDir)
          .filter((name) => name.endsWith('.json'))
          .sort()) {
          watchFiles.push(path.join(langDir, file));
          resources[lang][file.slice(0, -'.json'.length)] = JSON.parse(readFileSync(path.join(langDir, file), 'utf8')) as unknown;
        }
      }
      return { contents: `export default ${JSON.stringify(resources)};`, loader: 'js', watchFiles };
    });
  },
};

/** The head lines every page shares; a page's own index.html marks their place with `<!-- baton:head -->`. */
function sharedHead(page: string): string {
  return `<meta charset="utf-8">
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <link rel="icon" href="data:,">
  <link rel="stylesheet" href="/web/${page}/main.css">`;
}

/** A page's own `index.html` with the shared head lines in place; null for a page without one (the server renders it). */
function html(page: string): string | null {
  const own = path.join(SRC, page, 'index.html');
  return existsSync(own) ? readFileSync(own, 'utf8').replace('<!-- baton:head -->', sharedHead(page)) : null;
}

export interface BuildOptions {
  outDir?: string;
  minify?: boolean;
}

/** Builds every page; returns the page names. Throws with esbuild's messages when a page does not build. */
export async function buildWeb(options: BuildOptions = {}): Promise<string[]> {
  const outDir = options.outDir ?? WEB_DIR;
  const pages = pageNames();
  rmSync(outDir, { recursive: true, force: true });
  mkdirSync(outDir, { recursive: true });
  const result = await esbuild.build({ ...buildConfig(pages, outDir, options.minify ?? true), metafile: true });
  for (const page of pages) {
    const text = html(page);
    if (text !== null) writeFileSync(path.join(outDir, page, 'index.html'), text);
  }
  // The project's own sources the bundles were made of (server/ modules the browser shares too).
  const sources = Object.keys(result.metafile.inputs).filter((input) => !input.includes('node_modules') && !input.includes(':'));
  writeFileSync(path.join(outDir, SOURCES), JSON.stringify(sources.map((input) => path.resolve(repoRoot, input))));
  copyFileSync(path.join(modelerDir, 'index.html'), path.join(outDir, 'index.html'));
  return pages;
}

function buildConfig(pages: string[], outDir: string, minify: boolean): esbuild.BuildOptions {
  return {
    entryPoints: Object.fromEntries(pages.map((page) => [`${page}/main`, path.join(SRC, page, 'main.ts')])),
    outdir: outDir,
    absWorkingDir: repoRoot,
    bundle: true,
    format: 'esm',
    splitting: true,
    chunkNames: 'chunks/[name]-[hash]',
    assetNames: 'assets/[name]-[hash]',
    target: ['es2022'],
    platform: 'browser',
    minify,
    sourcemap: 'linked',
    logLevel: 'warning',
    legalComments: 'linked',
    loader: { '.woff': 'file', '.woff2': 'file', '.ttf': 'file', '.eot': 'file', '.svg': 'file', '.png': 'file', '.bpmn': 'text' },
    define: { 'process.env.NODE_ENV': '"production"' },
    plugins: [bpmnlintConfig, localesModule],
  };
}

/** Whether dist/web is newer than every source it was built from and every file under modeler/. */
export function isBuildCurrent(outDir = WEB_DIR): boolean {
  const list = path.join(outDir, SOURCES);
  if (!existsSync(list)) return false;
  const builtAt = statMs(list);
  const newest = (dir: string): number =>
    Math.max(0, ...readdirSync(dir, { withFileTypes: true }).map((entry) => (entry.isDirectory() ? newest(path.join(dir, entry.name)) : statMs(path.join(dir, entry.name)))));
  const sources = JSON.parse(readFileSync(list, 'utf8')) as string[];
  return newest(modelerDir) <= builtAt && newest(LOCALES_DIR) <= builtAt && sources.every((file) => existsSync(file) && statMs(file) <= builtAt);
}

function statMs(file: string): number {
  return statSync(file).mtimeMs;
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const started = Date.now();
  // A second `npm start` on an unchanged tree does not bundle again (`--force` does).
  if (!process.argv.includes('--force') && isBuildCurrent()) {
    console.log(`browser app is current (${path.relative(repoRoot, WEB_DIR)}/): nothing to build`);
    process.exit(0);
  }
  const pages = await buildWeb();
  console.log(`browser app built in ${Date.now() - started} ms: ${pages.map((page) => `/${page}`).join(', ')} → ${path.relative(repoRoot, WEB_DIR)}/`);
}
