/**
 * The languages Baton speaks and how a preferred one is chosen. Browser-safe (no Node imports):
 * the pages and the server pick a language by the same rules.
 *
 * Catalogs live in `locales/<lang>/<namespace>.json`; a language is supported when its folder
 * exists (the build and the server read the folders), so a third language is a folder of catalog
 * files plus its code here.
 */
import { LANGUAGES, type Lang } from '../contracts/lists.js';

export { LANGUAGES, type Lang };
export const DEFAULT_LANG: Lang = 'en';
/** A translate function fixed to one language (server: `translator(lang)`; pages: `t`). */
export type Translate = (key: string, vars?: Record<string, unknown>) => string;
/** Cookie that carries a person's explicit choice, for server-rendered pages and emails alike. */
export const LANG_COOKIE = 'baton_lang';

export function isLang(value: unknown): value is Lang {
  return typeof value === 'string' && (LANGUAGES as readonly string[]).includes(value);
}

/**
 * The best supported language of an `Accept-Language` header (or navigator.languages joined),
 * by quality then order; `en` when none matches.
 */
export function langFromAcceptLanguage(header: string | undefined | null): Lang {
  if (!header) return DEFAULT_LANG;
  const ranked = header
    .split(',')
    .map((part, index) => {
      const [tag = '', ...params] = part.trim().split(';');
      const q = params.map((p) => p.trim()).find((p) => p.startsWith('q='));
      const quality = q ? Number(q.slice(2)) : 1;
      return { base: tag.trim().toLowerCase().split('-')[0] ?? '', quality: Number.isFinite(quality) ? quality : 0, index };
    })
    .filter((entry) => entry.quality > 0)
    .sort((a, b) => b.quality - a.quality || a.index - b.index);
  return ranked.map((entry) => entry.base).find(isLang) ?? DEFAULT_LANG;
}

/** The value of one cookie in a `Cookie` header (or document.cookie), or null. */
export function cookieValue(header: string | undefined | null, name: string): string | null {
  if (!header) return null;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq <= 0 || part.slice(0, eq).trim() !== name) continue;
    // A value that is not percent-encoding (`baton_lang=%E0`) is no choice at all, not an error of the page.
    try {
      return decodeURIComponent(part.slice(eq + 1).trim());
    } catch {
      return null;
    }
  }
  return null;
}
