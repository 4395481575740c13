/**
 * The desk's search box, for every signed-in page: `mountTicketSearch(container)` adds a search
 * form (`/` anywhere on the page focuses it). A ticket number that names one ticket opens its page
 * at once; anything else (email, phone, text) lists the tickets the person may see, each a link to
 * `/tickets/<number>`. The server decides visibility (GET /api/instances?ticket= / ?q=).
 */
import './header.css';

import type { InstanceSummary } from '../../../server/instances/instance.service.js';
import { json } from './api.js';
import { el } from './dom.js';
import { errorText } from './error-text.js';
import { t } from './i18n.js';

const TICKET_NUMBER = /^[A-Za-z]{1,10}-\d{1,9}$/;

/** Where a ticket's page is. */
export function ticketHref(ticketNumber: string): string {
  return `/tickets/${encodeURIComponent(ticketNumber)}`;
}

export function mountTicketSearch(container: HTMLElement): { input: HTMLInputElement } {
  const form = el('form', { className: 'ticket-search' });
  form.setAttribute('role', 'search');
  form.noValidate = true;
  const input = el('input');
  input.type = 'search';
  input.id = 'ticket-search';
  input.name = 'q';
  input.autocomplete = 'off';
  input.maxLength = 200;
  input.placeholder = t('tickets:search.placeholder');
  input.setAttribute('aria-label', t('tickets:search.label'));
  const submit = el('button', { text: t('tickets:search.submit') });
  submit.type = 'submit';
  const results = el('div', { className: 'ticket-search-results' });
  results.id = 'ticket-search-results';
  results.setAttribute('role', 'status');
  results.setAttribute('aria-live', 'polite');
  results.hidden = true;
  form.append(input, submit, results);
  container.append(form);

  const show = (...nodes: Node[]) => {
    results.replaceChildren(...nodes);
    results.hidden = nodes.length === 0;
  };

  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const query = input.value.trim();
    if (!query) return show();
    show(el('p', { className: 'muted', text: t('tickets:search.searching') }));
    void search(query).then(
      (found) => {
        const [only] = found;
        if (found.length === 1 && only && TICKET_NUMBER.test(query) && only.ticketNumber === query.toUpperCase()) {
          location.assign(ticketHref(only.ticketNumber));
          return;
        }
        if (!found.length) return show(el('p', { className: 'muted', text: t('tickets:search.none') }));
        const list = el('ul');
        for (const instance of found) {
          const link = el('a', { text: instance.ticketNumber });
          link.href = ticketHref(instance.ticketNumber);
          list.append(el('li', {}, link, ` · ${instance.processKey} · ${t(`tickets:page.statusValue.${instance.status}`)}`));
        }
        show(el('p', { className: 'muted', text: t('tickets:search.results', { count: found.length }) }), list);
      },
      (err: unknown) => show(el('p', { className: 'error', text: t('tickets:search.error', { message: errorText(err) }) })),
    );
  });
  input.addEventListener('keydown', (event) => {
    if (event.key === 'Escape') {
      input.value = '';
      show();
    }
  });
  document.addEventListener('keydown', (event) => {
    if (event.key !== '/' || event.ctrlKey || event.metaKey || event.altKey) return;
    const target = event.target as HTMLElement | null;
    // Typing a slash into a field is typing.
    if (target && (target.isContentEditable || ['INPUT', 'TEXTAREA', 'SELECT'].includes(target.tagName))) return;
    event.preventDefault();
    input.focus();
    input.select();
  });
  return { input };
}

async function search(query: string): Promise<InstanceSummary[]> {
  const enc = encodeURIComponent;
  if (TICKET_NUMBER.test(query)) {
    const exact = await json<InstanceSummary[]>('GET', `/api/instances?ticket=${enc(query)}&limit=20`);
    if (exact.length) return exact;
  }
  return json<InstanceSummary[]>('GET', `/api/instances?q=${enc(query)}&limit=20`);
}
