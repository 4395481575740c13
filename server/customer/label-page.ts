import type { Lang, Translate } from '../i18n/i18n.js';
import { escapeHtml, page } from './status-page.js';

/**
 * A printable label for a piece of equipment: the QR code (inline SVG from the qrcode library,
 * trusted markup), what it is for, and the link in text for those who cannot scan, in the
 * language of whoever prints it (the title is the process's own text, shown as drawn).
 */
export function labelPage(title: string, url: string, svg: string, prefill: Record<string, string>, lang: Lang, t: Translate): string {
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
</main>`;
  return page(title, body, false).replace('<html lang="en">', `<html lang="${lang}">`);
}
