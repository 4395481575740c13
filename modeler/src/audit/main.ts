/**
 * /audit: the auditors' instance search (ticket number, process, start date range, status,
 * person), each result linking to its replay. Read-only; the API answers staff with 403 and the
 * page says so. The search is kept in the address, so reloading or sharing it shows the same list.
 */
import './audit.css';

import { ApiError, api } from '../shared/api.js';
import { instancesApi, searchQuery, type InstanceRow, type InstanceSearch } from '../shared/instances-api.js';
import { $, el, errorText, row } from '../shared/dom.js';
import { SignedOut, mountUserBadge, requireSession } from '../shared/session.js';
import { mountTicketSearch } from '../shared/header.js';
import { formatDateTime, t, translatePage } from '../shared/i18n.js';
import { accountLanguagePicker } from '../shared/account.js';
import { mountNotifications } from '../shared/notifications.js';
import { SEARCH_FIELDS, readSearch } from './search-form.js';

translatePage();

const PAGE = 50;
const form = $<HTMLFormElement>('#search');
const message = $('#message');
const results = $<HTMLTableElement>('#results');
const more = $<HTMLButtonElement>('#more');

let shown: { search: InstanceSearch; count: number } | null = null;

function say(text: string, error = false): void {
  message.textContent = text;
  message.className = error ? 'error' : '';
}

function field(name: string): HTMLInputElement | HTMLSelectElement {
  return form.elements.namedItem(name) as HTMLInputElement | HTMLSelectElement;
}

/** A time in the viewer's locale and zone, seconds included (auditors compare events). */
function when(iso: string | null): string {
  return iso ? formatDateTime(iso, { dateStyle: 'short', timeStyle: 'medium' }) : '';
}

function resultRow(instance: InstanceRow): HTMLTableRowElement {
  const link = el('a', { text: instance.ticketNumber, data: { instance: instance.id } });
  link.href = `/replay/${encodeURIComponent(instance.id)}`;
  return row([link, `${instance.processKey} v${instance.definitionVersion}`, t(`audit:status.${instance.status}`), when(instance.startedAt), when(instance.endedAt), instance.businessKey ?? '']);
}

async function search(query: InstanceSearch, append: boolean): Promise<void> {
  const offset = append && shown ? shown.count : 0;
  say(t('audit:searching'));
  let found: InstanceRow[];
  try {
    found = await instancesApi.search({ ...query, limit: PAGE, offset });
  } catch (err) {
    if (err instanceof SignedOut) return;
    results.hidden = true;
    more.hidden = true;
    if (err instanceof ApiError && err.status === 403) say(t('audit:forbidden'), true);
    else say(t('audit:failed', { message: errorText(err) }), true);
    return;
  }
  const body = $<HTMLTableSectionElement>(':scope > tbody', results);
  if (!append) body.replaceChildren();
  body.append(...found.map(resultRow));
  shown = { search: query, count: offset + found.length };
  results.hidden = shown.count === 0;
  more.hidden = found.length < PAGE;
  say(shown.count === 0 ? t('audit:none') : t(found.length === PAGE ? 'audit:foundMore' : 'audit:found', { count: shown.count }));
}

async function main(): Promise<void> {
  const session = await requireSession();
  mountNotifications($('#user'));
  $('#user').append(accountLanguagePicker());
  mountTicketSearch($('#user'));
  mountUserBadge($('#user'), session);
  const params = new URLSearchParams(location.search);
  for (const name of SEARCH_FIELDS) {
    const value = params.get(name);
    if (value !== null) field(name).value = value;
  }
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const query = readSearch((name) => field(name).value);
    const qs = searchQuery(query);
    history.replaceState(null, '', qs ? `/audit?${qs}` : '/audit');
    void search(query, false);
  });
  more.addEventListener('click', () => {
    if (shown) void search(shown.search, true);
  });
  // The process list helps but is not needed: without it the field stays "Any".
  const processes = await api.definitions().catch(() => []);
  const select = field('process') as HTMLSelectElement;
  for (const definition of processes) select.append(new Option(`${definition.name || definition.key} (${definition.key})`, definition.key));
  const wanted = params.get('process');
  if (wanted) select.value = wanted;
  // Opened with a search in the address (or none: the newest instances) → run it at once.
  await search(
    readSearch((name) => field(name).value),
    false,
  );
  document.body.dataset['ready'] = 'true';
}

void main().catch((err: unknown) => {
  if (!(err instanceof SignedOut)) say(t('audit:pageFailed', { message: errorText(err) }), true);
});
