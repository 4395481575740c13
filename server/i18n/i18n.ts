/**
 * Server-side translation (customer emails, the server-rendered status page, notifications) with
 * i18next. Catalogs are read once from `locales/<lang>/<namespace>.json`, the same files the
 * browser bundles, so a text is translated in one place.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

import i18next, { type i18n, type Resource } from 'i18next';

import { cookieValue, DEFAULT_LANG, isLang, LANG_COOKIE, LANGUAGES, langFromAcceptLanguage, type Lang, type Translate } from './languages.js';

/** `locales/` at the repository root, found from here whether run from sources (tsx) or dist/. */
function localesDir(): string {
  let dir = path.dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const candidate = path.join(dir, 'locales');
    if (existsSync(candidate)) return candidate;
    const parent = path.dirname(dir);
    if (parent === dir) throw new Error('locales/ not found above server/i18n');
    dir = parent;
  }
}

/** Every catalog file: `{ en: { common: {...}, inbox: {...} }, ru: {...} }`. */
export function readCatalogs(dir = localesDir()): Resource {
  const resources: Resource = {};
  for (const lang of LANGUAGES) {
    const langDir = path.join(dir, lang);
    if (!existsSync(langDir)) continue;
    resources[lang] = Object.fromEntries(
      readdirSync(langDir)
        .filter((file) => file.endsWith('.json'))
        .sort()
        .map((file) => [file.slice(0, -'.json'.length), JSON.parse(readFileSync(path.join(langDir, file), 'utf8')) as Record<string, unknown>]),
    );
  }
  return resources;
}

let instance: i18n | undefined;

function shared(): i18n {
  if (!instance) {
    instance = i18next.createInstance();
    // initAsync false: resources are inline, so init completes before it returns.
    void instance.init({
      resources: readCatalogs(),
      lng: DEFAULT_LANG,
      fallbackLng: DEFAULT_LANG,
      supportedLngs: [...LANGUAGES],
      defaultNS: 'common',
      initAsync: false,
      // Texts are escaped where they are put into HTML, not here (emails are plain text).
      interpolation: { escapeValue: false },
      returnNull: false,
    });
  }
  return instance;
}

/** A translate function fixed to one language (missing keys fall back to English, then the key). */
export function translator(lang: Lang): Translate {
  const fixed = shared().getFixedT(lang);
  return (key, vars) => String(fixed(key, vars ?? {}));
}

/** Whether the catalog of `lang` (or English, the fallback) has `key` (`ns:path`). */
export function hasKey(key: string, lang: Lang = DEFAULT_LANG): boolean {
  return shared().exists(key, { lng: lang });
}

/** A stored or sent language value as a supported language, else the default. */
export function langOr(value: unknown, fallback: Lang = DEFAULT_LANG): Lang {
  return isLang(value) ? value : fallback;
}

interface RequestLike {
  headers: { cookie?: string | undefined; 'accept-language'?: string | undefined };
}

/** The language a request asks for: the person's explicit choice (cookie), else Accept-Language. */
export function langFromRequest(req: RequestLike): Lang {
  const chosen = cookieValue(req.headers.cookie, LANG_COOKIE);
  return isLang(chosen) ? chosen : langFromAcceptLanguage(req.headers['accept-language']);
}

export { DEFAULT_LANG, isLang, LANGUAGES, type Lang, type Translate } from './languages.js';
