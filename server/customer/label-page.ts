import { escapeHtml, page } from './status-page.js';

/**
 * A printable label for a piece of equipment: the QR code (inline SVG from the qrcode library,
 * trusted markup), what it is for, and the link in text for those who cannot scan.
 */
export function labelPage(title: string, url: string, svg: string, prefill: Record<string, string>): string {
  const what = Object.values(prefill).map(escapeHtml).join(' · ');
  const body = `<main class="label">
  <style>.label{max-width:24rem;text-align:center}.label svg{width:100%;height:auto}@media print{body{background:#fff}.label section{box-shadow:none}.noprint{display:none}}</style>
  <section>
    <h1>${escapeHtml(title)}</h1>
    ${what ? `<p><strong>${what}</strong></p>` : ''}
    <div id="qr">${svg}</div>
    <p>Scan to report a problem, or open<br><code id="link">${escapeHtml(url)}</code></p>
  </section>
  <p class="noprint muted">Print this page (Ctrl+P) and stick the label on the equipment.</p>
</main>`;
  return page(title, body, false);
}
