/**
 * Translation for the pages (i18next): the catalogs `locales/<lang>/<namespace>.json` are bundled
 * (`baton-locales:all`), the language is the person's choice (cookie `baton_lang`, shared with the
 * server-rendered pages and emails), else the browser's languages. Keys name their namespace:
 * `t('inbox:claim')`; static HTML marks its texts with `data-i18n="ns:key"` (and
 * `data-i18n-attr="placeholder=ns:key;title=ns:key"`) and calls `translatePage()`.
 */
import i18next, { type i18n } from 'i18next';
import resources from 'baton-locales:all';

import { cookieValue, DEFAULT_LANG, isLang, LANG_COOKIE, LANGUAGES, langFromAcceptLanguage, type Lang } from '../../../server/i18n/languages.js';

function detectLang(): Lang {
  const chosen = cookieValue(document.cookie, LANG_COOKIE);
  if (isLang(chosen)) return chosen;
  // The server's pick from the request's Accept-Language (browser-pages.ts writes it into <html>):
  // the header a customer's browser sends, which navigator.languages may not mirror.
  const requested = document.documentElement.dataset['requestLang'];
  if (isLang(requested)) return requested;
  return langFromAcceptLanguage((navigator.languages ?? [navigator.language]).join(','));
}

const current: Lang = detectLang();
const instance: i18n = i18next.createInstance();
void instance.init({
  resources,
  lng: current,
  fallbackLng: DEFAULT_LANG,
  supportedLngs: [...LANGUAGES],
  defaultNS: 'common',
  initAsync: false,
  // Pages put texts in with textContent (or escape them); i18next must not escape twice.
  interpolation: { escapeValue: false },
  returnNull: false,
});
document.documentElement.lang = current;

export function t(key: string, vars?: Record<string, unknown>): string {
  return String(instance.t(key, vars ?? {}));
}

export function lang(): Lang {
  return current;
}

/** Remembers the choice for a year (pages and server alike) and reloads the page in it. */
export function setLang(next: Lang): void {
  document.cookie = `${LANG_COOKIE}=${next}; path=/; max-age=31536000; SameSite=Lax`;
  location.reload();
}

/** Fills every `[data-i18n]` element's text and `[data-i18n-attr]` attributes under root. */
export function translatePage(root: ParentNode = document): void {
  root.querySelectorAll<HTMLElement>('[data-i18n]').forEach((el) => {
    el.textContent = t(el.dataset['i18n'] ?? '');
  });
  root.querySelectorAll<HTMLElement>('[data-i18n-attr]').forEach((el) => {
    for (const pair of (el.dataset['i18nAttr'] ?? '').split(';')) {
      const eq = pair.indexOf('=');
      if (eq > 0) el.setAttribute(pair.slice(0, eq).trim(), t(pair.slice(eq + 1).trim()));
    }
  });
}

/**
 * A `<select>` of the languages, each named in itself; changing it switches the page. `save`
 * also stores the choice elsewhere first (a signed-in user's account: `accountLanguagePicker`).
 */
export function languagePicker(options: { save?: (lang: Lang) => Promise<unknown> } = {}): HTMLSelectElement {
  const select = document.createElement('select');
  select.className = 'language-picker';
  select.setAttribute('aria-label', t('common:language.label'));
  for (const code of LANGUAGES) {
    const option = document.createElement('option');
    option.value = code;
    option.textContent = t(`common:language.${code}`);
    option.selected = code === current;
    select.append(option);
  }
  select.addEventListener('change', () => {
    const chosen = select.value;
    if (!isLang(chosen)) return;
    select.disabled = true;
    // The page switches even when saving fails: the cookie alone carries the choice here.
    void (options.save?.(chosen) ?? Promise.resolve()).catch(() => undefined).finally(() => setLang(chosen));
  });
  return select;
}

/** A date and time in the viewer's locale and time zone. */
export function formatDateTime(iso: string | number | Date, options: Intl.DateTimeFormatOptions = { dateStyle: 'medium', timeStyle: 'short' }): string {
  return new Intl.DateTimeFormat(current, options).format(new Date(iso));
}

export function formatNumber(value: number, options?: Intl.NumberFormatOptions): string {
  return new Intl.NumberFormat(current, options).format(value);
}
