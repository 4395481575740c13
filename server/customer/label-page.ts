import { LANGUAGES, type Lang, type Translate } from '../i18n/i18n.js';
import { escapeHtml, page } from './status-page.js';

/**
 * A printable label for a piece of equipment: the QR code (inline SVG from the qrcode library,
 * trusted markup), what it is for, and the link in text for those who cannot scan, in the
 * language of whoever prints it (the title is the process's own text, shown as drawn).
 */
export function labelPage(title: string, url: string, svg: string, prefill: Record<string, string>, lang: Lang, t: Translate, pageUrl: string): string {
  const switchTo = (code: Lang) => {
    const here = new URL(pageUrl, 'http://label.invalid');
    here.searchParams.set('lang', code);
    return `${here.pathname}${here.search}`;
  };
  const languages = LANGUAGES.map((code) =>
    code === lang
      ? `<strong>${escapeHtml(t(`common:language.${code}`))}</strong>`
      : `<a href="${escapeHtml(switchTo(code))}" hreflang="${code}" lang="${code}">${escapeHtml(t(`common:language.${code}`))}</a>`,
  ).join(' · ');
  const what = Object.values(prefill).map(escapeHtml).join(' · ');
  const body = `<main class="label">
  <style>.label{max-width:24rem;text-align:center}.label svg{width:100%;height:auto}@media print{body{background:#fff}.label section{box-shadow:none}.noprint{display:none}}</style>
  <section>
    <h1>${escapeHtml(title)}</h1>
    ${what ? `<p><strong>${what}</strong></p>` : ''}
    <div id="qr">${svg}</div>
    <p>${escapeHtml(t('request:label.scan'))}<br><code id="link">${escapeHtml(url)}</code></p>
  </section>
  <p class="noprint muted">${escapeHtml(t('request:label.print'))}</p>
  <p class="noprint muted" id="languages">${escapeHtml(t('common:language.label'))}: ${languages}</p>
</main>`;
  return page(title, body, false).replace('<html lang="en">', `<html lang="${lang}">`);
}
