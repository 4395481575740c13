import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';

import express, { Router } from 'express';

import { langFromRequest } from '../i18n/i18n.js';

/**
 * The browser app's pages: URL pattern → page folder (`modeler/src/<page>/`, built to
 * `dist/web/<page>/`). Adding a page is one line here plus its folder.
 */
export const BROWSER_PAGES: ReadonlyArray<{ path: string; page: string }> = [
  // The start page: what is each role's (home/main.ts).
  { path: '/', page: 'home' },
  { path: '/login', page: 'login' },
  { path: '/modeler', page: 'modeler' },
  { path: '/request/:key', page: 'request' },
  { path: '/inbox', page: 'inbox' },
  { path: '/replay/:id', page: 'replay' },
  { path: '/audit', page: 'audit' },
  { path: '/technician', page: 'technician' },
  { path: '/field', page: 'field' },
  { path: '/operations', page: 'operations' },
  { path: '/admin', page: 'admin' },
  { path: '/reports', page: 'reports' },
  { path: '/calendars', page: 'calendars' },
  { path: '/tickets/:ticketNumber', page: 'tickets' },
  // /status/:token is rendered by the server (customer/status-page.ts); its script is the `status` bundle.
];

/**
 * The page's `<html>` carries the language the request asks for (cookie, else Accept-Language), so
 * the page opens in it (modeler/src/shared/i18n.ts reads `data-request-lang`).
 */
export function withRequestLang(html: string, lang: string): string {
  return html.replace(/<html lang="[^"]*">/, `<html lang="${lang}" data-request-lang="${lang}">`);
}

/**
 * Serves the built app from `webDir`: bundles and assets under `/web/`, every page's
 * `index.html` at its path (the page reads its parameters from `location`), and `/`.
 */
export function browserPages(webDir: string): Router {
  const router = Router();
  router.use('/web', express.static(webDir, { index: false, fallthrough: false, maxAge: 0 }));
  for (const { path: route, page } of BROWSER_PAGES) {
    const file = path.join(webDir, page, 'index.html');
    router.get(route, (req, res) => {
      if (!existsSync(file)) {
        res.status(503).type('text/plain').send(`The browser app is not built: run npm run build:web (missing ${file})`);
        return;
      }
      res
        .set('cache-control', 'no-cache')
        .set('vary', 'Accept-Language, Cookie')
        .type('html')
        .send(withRequestLang(readFileSync(file, 'utf8'), langFromRequest(req)));
    });
  }
  router.get('/', (_req, res, next) => {
    const file = path.join(webDir, 'index.html');
    if (existsSync(file)) res.set('cache-control', 'no-cache').sendFile(file);
    else next();
  });
  return router;
}
