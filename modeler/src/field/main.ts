/**
 * /field: the field-service resources for admins — the parts catalogue with stock per warehouse
 * and van, the assets with their history — and CSV imports of both. Everyone signed in may read;
 * the server refuses changes to all but admins (assets: process owners too) and says why here.
 */
import './field.css';

import type { ErrorBody } from '../../../server/contracts/common.js';
import type { Asset, Part, StockLevel } from '../../../server/field/field.js';
import type { AssetView } from '../../../server/field/field.service.js';
import { json } from '../shared/api.js';
import { $, el, errorText, row } from '../shared/dom.js';
import { formatDateTime, languagePicker, t, translatePage } from '../shared/i18n.js';
import { csrfToken, mountUserBadge, requireSession } from '../shared/session.js';
import { mountTicketSearch } from '../shared/header.js';

const status = $<HTMLParagraphElement>('#status');
const say = (text: string, error = false) => {
  status.textContent = text;
  status.classList.toggle('error', error);
};

async function load(): Promise<void> {
  say(t('common:action.loading'));
  const [parts, stock, assets] = await Promise.all([json<Part[]>('GET', '/api/parts'), json<StockLevel[]>('GET', '/api/stock'), json<Asset[]>('GET', '/api/assets?limit=500')]);
  $('#parts tbody').replaceChildren(
    ...parts.map((part) => {
      const levels = stock.filter((level) => level.sku === part.sku).map((level) => `${level.location}: ${level.quantity}${level.reserved ? ` (${level.reserved} ${t('field:admin.reserved')})` : ''}`);
      return row([part.sku, part.name, String(part.price), levels.join(', ') || '—'], { data: { sku: part.sku } });
    }),
  );
  $('#assets tbody').replaceChildren(
    ...assets.map((asset) => {
      const line = row([asset.id, asset.type, asset.address, asset.requiredSkills.join(', ') || asset.type], { data: { asset: asset.id } });
      line.addEventListener('click', () => void showAsset(asset.id));
      return line;
    }),
  );
  say(t('field:admin.summary', { parts: parts.length, assets: assets.length }));
}

async function showAsset(id: string): Promise<void> {
  const view = await json<AssetView>('GET', `/api/assets/${encodeURIComponent(id)}`);
  const box = $('#asset-history');
  box.hidden = false;
  const items = view.history.map((ticket) => {
    const link = el('a', { text: ticket.ticketNumber });
    link.href = `/tickets/${encodeURIComponent(ticket.ticketNumber)}`;
    return el('li', {}, link, ` · ${ticket.status} · ${formatDateTime(ticket.startedAt)}${ticket.technician ? ` · ${ticket.technician}` : ''}`);
  });
  box.replaceChildren(el('h3', { text: t('field:admin.history', { id }) }), items.length ? el('ul', {}, ...items) : el('p', { text: t('field:admin.noHistory') }));
}

function onSubmit(selector: string, send: (data: FormData) => Promise<unknown>, done: string): void {
  const form = $<HTMLFormElement>(selector);
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const button = $<HTMLButtonElement>('button', form);
    button.disabled = true;
    send(new FormData(form))
      .then(async () => {
        form.reset();
        await load();
        say(done);
      })
      .catch((err: unknown) => say(errorText(err), true))
      .finally(() => (button.disabled = false));
  });
}

async function csv(url: string, data: FormData): Promise<unknown> {
  const file = data.get('file');
  if (!(file instanceof File) || file.size === 0) throw new Error(t('field:admin.chooseFile'));
  const token = csrfToken();
  const response = await fetch(url, {
    method: 'POST',
    credentials: 'same-origin',
    headers: { 'content-type': 'text/csv', accept: 'application/json', ...(token ? { 'x-csrf-token': token } : {}) },
    body: await file.text(),
  });
  const body = (await response.json().catch(() => ({}))) as Partial<ErrorBody>;
  if (!response.ok) throw new Error([body.error?.message ?? response.statusText, ...(body.error?.issues ?? []).map((issue) => issue.message)].join(' · '));
  return body;
}

translatePage();
const session = await requireSession();
const nav = $<HTMLElement>('#user');
nav.append(languagePicker());
mountTicketSearch(nav);
mountUserBadge(nav, session);
onSubmit(
  '#part-form',
  (data) => json('POST', '/api/parts', { json: { sku: String(data.get('sku')).trim(), name: String(data.get('name')).trim(), price: Number(String(data.get('price')).replace(',', '.')) } }),
  t('field:admin.saved'),
);
onSubmit(
  '#stock-form',
  (data) =>
    json('PUT', `/api/stock/${encodeURIComponent(String(data.get('location')).trim())}/${encodeURIComponent(String(data.get('sku')).trim())}`, { json: { quantity: Number(data.get('quantity')) } }),
  t('field:admin.saved'),
);
onSubmit('#parts-import', (data) => csv('/api/parts/import', data), t('field:admin.imported'));
onSubmit('#assets-import', (data) => csv('/api/assets/import', data), t('field:admin.imported'));
try {
  await load();
} catch (err) {
  say(errorText(err), true);
}
document.body.dataset['ready'] = 'true';
