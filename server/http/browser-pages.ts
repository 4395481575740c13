import { existsSync } from 'node:fs';
import path from 'node:path';

import express, { Router } from 'express';

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
  { path: '/tickets/:ticketNumber', page: 'tickets' },
  // /status/:token is rendered by the server (customer/status-page.ts); its script is the `status` bundle.
];

/**
 * Serves the built app from `webDir`: bundles and assets under `/web/`, every page's
 * `index.html` at its path (the page reads its parameters from `location`), and `/`.
 */
export function browserPages(webDir: string): Router {
  const router = Router();
  router.use('/web', express.static(webDir, { index: false, fallthrough: false, maxAge: 0 }));
  for (const { path: route, page } of BROWSER_PAGES) {
    const file = path.join(webDir, page, 'index.html');
    router.get(route, (_req, res) => {
      if (!existsSync(file)) {
        res.status(503).type('text/plain').send(`The browser app is not built: run npm run build:web (missing ${file})`);
        return;
      }
      res.set('cache-control', 'no-cache').sendFile(file);
    });
  }
  router.get('/', (_req, res, next) => {
    const file = path.join(webDir, 'index.html');
    if (existsSync(file)) res.set('cache-control', 'no-cache').sendFile(file);
    else next();
  });
  return router;
}
