/**
 * "New ticket" for first line on the phone: pick a process the user may start (GET
 * /api/tickets/startable), fill its start form (form-js, as for tasks), and the ticket number is
 * on screen at once. Keyboard first: the dialog opens on the form's first field, Ctrl+Enter opens
 * the ticket, Esc closes. The server checks the same form again (`checkForm`).
 */
import type { StartedInstance as OpenedTicket, StartInstanceBody } from '../../../server/contracts/instances.js';
import type { StartableProcess } from '../../../server/tickets/ticket.service.js';
import { json } from '../shared/api.js';
import { $, el, errorText } from '../shared/dom.js';
import { renderForm, schemaOfFields, type FormView } from '../shared/form-view.js';
import { ticketHref } from '../shared/header.js';
import { t } from '../shared/i18n.js';

export type { OpenedTicket };

/** Wires the dialog; `opened` gets the new ticket (the inbox opens its first task when it is theirs). */
export function setUpNewTicket(opened: (ticket: OpenedTicket) => void): { open(): void } {
  const dialog = $<HTMLDialogElement>('#new-ticket-dialog');
  const form = $<HTMLFormElement>('#new-ticket-form');
  const select = $<HTMLSelectElement>('#new-ticket-process');
  const holder = $('#new-ticket-fields');
  const error = $('#new-ticket-error');
  const submit = $<HTMLButtonElement>('#new-ticket-submit');
  const result = $('#new-ticket-result');
  let processes: StartableProcess[] = [];
  let view: FormView | null = null;

  const fail = (message: string | null) => {
    error.textContent = message ?? '';
    error.hidden = message === null;
  };

  async function drawForm(): Promise<void> {
    view?.destroy();
    view = null;
    holder.replaceChildren();
    const process = processes.find((candidate) => candidate.key === select.value);
    if (!process) return;
    const schema = process.schema ?? (process.fields.length ? schemaOfFields(`start-${process.key}`, process.fields) : null);
    if (!schema) {
      holder.append(el('p', { className: 'muted', text: t('inbox:newTicket.noForm') }));
      return;
    }
    view = await renderForm(holder, schema);
    holder.querySelector<HTMLElement>('input, textarea, select')?.focus();
  }

  async function send(): Promise<void> {
    fail(null);
    const process = processes.find((candidate) => candidate.key === select.value);
    if (!process) return;
    let variables: Record<string, unknown> = {};
    if (view) {
      const { data, errors } = view.submit();
      if (Object.keys(errors).length) {
        fail(t('inbox:newTicket.fillMarked'));
        return;
      }
      // Empty optional fields are not data.
      variables = Object.fromEntries(Object.entries(data).filter(([, value]) => value !== '' && value !== null && value !== undefined));
    }
    submit.disabled = true;
    submit.textContent = t('inbox:newTicket.opening');
    try {
      const ticket = await json<OpenedTicket>('POST', '/api/instances', { json: { processKey: process.key, variables, checkForm: true } satisfies StartInstanceBody });
      dialog.close();
      const link = el('a', { text: t('inbox:newTicket.openPage') });
      link.href = ticketHref(ticket.ticketNumber);
      const number = el('strong', { text: ticket.ticketNumber });
      number.id = 'new-ticket-number';
      // The sentence from the catalog with the number as its own element, wherever the language puts it.
      result.replaceChildren(
        ...t('inbox:newTicket.opened', { ticket: '\u0000' })
          .split('\u0000')
          .flatMap((part, index) => (index === 0 ? [part] : [number, part])),
        ' · ',
        link,
      );
      result.hidden = false;
      opened(ticket);
    } catch (err) {
      fail(errorText(err));
    } finally {
      submit.disabled = false;
      submit.textContent = t('inbox:newTicket.submit');
    }
  }

  select.addEventListener('change', () => void drawForm());
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    void send();
  });
  form.addEventListener('keydown', (event) => {
    if (event.key === 'Enter' && (event.ctrlKey || event.metaKey)) {
      event.preventDefault();
      void send();
    }
  });
  $('#new-ticket-cancel').addEventListener('click', () => dialog.close());

  return {
    open() {
      fail(null);
      dialog.showModal();
      void (async () => {
        try {
          if (!processes.length) {
            processes = await json<StartableProcess[]>('GET', '/api/tickets/startable');
            select.replaceChildren(...processes.map((process) => new Option(process.name, process.key)));
            // The desk's usual case first: a process whose start form asks for the customer.
            const desk = processes.find((process) => process.fields.some((field) => field.id === 'customerEmail' || field.id === 'customerPhone') && process.key.startsWith('helpdesk'));
            if (desk) select.value = desk.key;
          }
          if (!processes.length) {
            fail(t('inbox:newTicket.none'));
            return;
          }
          await drawForm();
        } catch (err) {
          fail(errorText(err));
        }
      })();
    },
  };
}
