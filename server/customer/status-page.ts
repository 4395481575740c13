import { translator, type Lang, type Translate } from '../i18n/i18n.js';
import type { TaskFormField } from '../tasks/task.js';
import type { ConversationMessage } from '../tickets/ticket.js';
import { MAX_FIELD_TEXT, type UploadField } from './form-fields.js';
import type { StatusView, WaitingTask } from './status-view.js';
import { ACCEPTED_UPLOAD_TYPES, MAX_UPLOAD_BYTES } from './upload-rules.js';

/** Everything the page shows comes from customers or diagrams: escaped, always. */
export function escapeHtml(value: unknown): string {
  return String(value ?? '').replace(/[&<>"']/g, (char) => `&#${char.charCodeAt(0)};`);
}

/** The page's language for `when` (set per render; rendering is synchronous). */
let locale: Lang = 'en';

function when(iso: string | null): string {
  if (!iso) return '';
  const date = new Date(iso);
  const text = date.toLocaleString(locale === 'ru' ? 'ru-RU' : 'en-GB', { dateStyle: 'medium', timeStyle: 'short', timeZone: 'UTC' });
  // The script rewrites it in the reader's own time zone (data-local).
  return `<time datetime="${escapeHtml(iso)}" data-local>${escapeHtml(text)} UTC</time>`;
}

const STYLE = `
body{font:16px/1.5 system-ui,sans-serif;margin:0;background:#f5f6f8;color:#1d2330}
main{max-width:40rem;margin:0 auto;padding:1.5rem}
section{background:#fff;border-radius:8px;padding:1rem 1.25rem;margin:1rem 0;box-shadow:0 1px 2px #0002}
h1{margin:.5rem 0 0}h2{font-size:1.1rem;margin:0 0 .5rem}
.stage{font-size:1.3rem;font-weight:600}.muted{color:#5b6475}
.notice{background:#fff4e5;border-left:4px solid #f0a020;padding:.5rem 1rem}
.waiting{border-left:4px solid #2f6fec}
ol{padding-left:1.2rem}li{margin:.25rem 0}
label{display:block;margin:.5rem 0 .2rem}input,select,textarea{font:inherit;max-width:100%}
button{font:inherit;padding:.4rem 1rem;margin-top:.75rem;background:#2f6fec;color:#fff;border:0;border-radius:4px}
.rating label{display:inline-block;margin-right:.75rem}
.messages{list-style:none;padding:0}.messages li{padding:.4rem .6rem;border-radius:6px;margin:.4rem 0;white-space:pre-wrap;overflow-wrap:anywhere}
.messages .staff{background:#eef3fd}.messages .customer{background:#f1f7ee;margin-left:1.5rem}
textarea{width:100%;box-sizing:border-box}
`;

export function page(title: string, body: string, script = true, lang: Lang = 'en'): string {
  return `<!doctype html>
<html lang="${lang}">
<head>
  <meta charset="utf-8">
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <meta name="robots" content="noindex">
  <link rel="icon" href="data:,">
  <title>${escapeHtml(title)}</title>
  <style>${STYLE}</style>
</head>
<body>
${body}
${script ? '<script type="module" src="/web/status/main.js"></script>' : ''}
</body>
</html>
`;
}

function fieldInput(field: TaskFormField, id: string): string {
  const required = field.required ? ' required' : '';
  const name = `name="${escapeHtml(field.id)}" id="${id}"`;
  switch (field.type) {
    case 'long':
      return `<input type="number" step="1" ${name}${required}>`;
    case 'number':
      return `<input type="number" step="any" ${name}${required}>`;
    case 'boolean':
      return `<input type="checkbox" value="true" ${name}>`;
    case 'date':
      return `<input type="date" ${name}${required}>`;
    case 'enum':
      return `<select ${name}${required}><option value=""></option>${field.values.map((value) => `<option>${escapeHtml(value)}</option>`).join('')}</select>`;
    case 'string':
      return `<input type="text" maxlength="${MAX_FIELD_TEXT}" ${name}${required}>`;
  }
}

function uploadInput(field: UploadField, id: string, t: Translate): string {
  return `<input type="file" name="${escapeHtml(field.id)}" id="${id}" accept="${ACCEPTED_UPLOAD_TYPES.join(',')}"${field.required ? ' required' : ''}>
  <span class="muted">${escapeHtml(t('status:page.uploadHint', { mb: MAX_UPLOAD_BYTES / 1024 / 1024 }))}</span>`;
}

function waitingForm(token: string, task: WaitingTask, t: Translate): string {
  const inputs = [
    ...task.fields.map((field) => {
      const id = `f-${escapeHtml(task.taskId)}-${escapeHtml(field.id)}`;
      return `<label for="${id}">${escapeHtml(field.label ?? field.id)}</label>${fieldInput(field, id)}`;
    }),
    ...task.uploads.map((field) => {
      const id = `u-${escapeHtml(task.taskId)}-${escapeHtml(field.id)}`;
      return `<label for="${id}">${escapeHtml(field.label ?? field.id)}</label>${uploadInput(field, id, t)}`;
    }),
  ];
  return `<section class="waiting" data-task="${escapeHtml(task.taskId)}">
  <h2>${escapeHtml(t('status:page.waitingOnYou'))}</h2>
  <p class="stage">${escapeHtml(task.stage)}</p>
  ${task.expectedBy ? `<p class="muted">${t('status:page.answerBy', { when: when(task.expectedBy) })}</p>` : ''}
  <form method="post" action="/status/${escapeHtml(token)}/tasks/${escapeHtml(task.taskId)}" enctype="multipart/form-data">
    ${inputs.join('\n    ')}
    <button type="submit">${escapeHtml(t('status:page.send'))}</button>
  </form>
</section>`;
}

/** The conversation with the service team, and the form to write to them (a plain form post). */
function conversationSection(token: string, messages: ConversationMessage[], open: boolean, t: Translate): string {
  const items = messages
    .map(
      (message) =>
        `<li class="${message.from}"><strong>${escapeHtml(t(message.from === 'staff' ? 'status:page.fromUs' : 'status:page.fromYou'))}</strong> · ${when(message.at)}<br>${escapeHtml(message.text)}</li>`,
    )
    .join('');
  return `<section id="conversation">
  <h2>${escapeHtml(t('status:page.conversation'))}</h2>
  ${items ? `<ol class="messages">${items}</ol>` : `<p class="muted">${escapeHtml(t('status:page.noMessages'))}</p>`}
  ${
    open
      ? `<form method="post" action="/status/${escapeHtml(token)}/conversation">
    <label for="message-text">${escapeHtml(t('status:page.writeLabel'))}</label>
    <textarea id="message-text" name="text" rows="3" maxlength="4000" required></textarea>
    <button type="submit">${escapeHtml(t('status:page.writeSend'))}</button>
  </form>`
      : ''
  }
</section>`;
}

function feedbackForm(token: string, t: Translate): string {
  const stars = [1, 2, 3, 4, 5].map((n) => `<label><input type="radio" name="rating" value="${n}" required> ${n}</label>`).join('');
  return `<section id="feedback">
  <h2>${escapeHtml(t('status:page.feedbackTitle'))}</h2>
  <form method="post" action="/status/${escapeHtml(token)}/feedback">
    <p class="rating">${escapeHtml(t('status:page.feedbackScale'))}<br>${stars}</p>
    <label for="comment">${escapeHtml(t('status:page.feedbackComment'))}</label>
    <textarea id="comment" name="comment" rows="3" cols="40" maxlength="2000"></textarea>
    <button type="submit">${escapeHtml(t('status:page.feedbackSend'))}</button>
  </form>
</section>`;
}

/** Field service: who is coming and when, and the invoice with its PDF. */
function fieldSection(view: StatusView, token: string, t: Translate): string {
  const { visit, invoice } = view.field ?? { visit: null, invoice: null };
  const parts: string[] = [];
  if (visit) {
    const name = visit.technicianFirstName ?? t('field:visit.someone');
    const key = visit.state === 'on-the-way' ? 'field:visit.onTheWay' : visit.state === 'arrived' ? 'field:visit.arrived' : 'field:visit.assigned';
    parts.push(`<p id="technician">${escapeHtml(t(key, { name }))}</p>`);
    if (visit.state === 'on-the-way' && visit.etaAt) parts.push(`<p id="eta">${escapeHtml(t('field:visit.eta', { time: '' })).trim()} ${when(visit.etaAt)}</p>`);
  }
  if (invoice) {
    const total = new Intl.NumberFormat(t('field:invoice.locale'), { style: 'currency', currency: invoice.currency }).format(invoice.total);
    parts.push(
      `<p id="invoice">${escapeHtml(t('field:invoice.title'))} ${escapeHtml(invoice.number)}: <strong id="invoice-total">${escapeHtml(total)}</strong> · <a href="/status/${escapeHtml(token)}/invoice.pdf" download>PDF</a></p>`,
    );
  }
  return parts.length ? `<section id="field">${parts.join('')}</section>` : '';
}

/** The status page, complete without JavaScript; the script only refreshes it when the ticket moves. */
export function statusPage(view: StatusView, token: string, notice: string | null = null, lang: Lang = 'en', messages: ConversationMessage[] = []): string {
  locale = lang;
  const t = translator(lang);
  // Words the status service gives in English for every process: in the reader's language.
  const words: Record<string, string> = { 'Request received': 'received', You: 'you', Done: 'done', Closed: 'closed', 'In progress': 'inProgress' };
  const word = (text: string | null) => (text !== null && words[text] ? t(`status:page.${words[text]}`) : text);
  const details = Object.entries(view.details);
  const body = `<main id="status" data-updated="${escapeHtml(view.updatedAt)}" data-messages="${messages.length}">
  <p class="muted">${escapeHtml(view.title)}</p>
  <h1>${escapeHtml(t('status:page.ticket'))} <span id="ticket-number">${escapeHtml(view.ticketNumber)}</span></h1>
  ${notice ? `<p class="notice" role="alert">${escapeHtml(notice)}</p>` : ''}
  <section id="current">
    <h2>${escapeHtml(t(view.status === 'open' ? 'status:page.where' : 'status:page.outcome'))}</h2>
    <p class="stage" id="stage">${escapeHtml(word(view.stage))}</p>
    ${view.department ? `<p>${escapeHtml(t('status:page.with'))} <span id="department">${escapeHtml(word(view.department))}</span></p>` : ''}
    ${view.status === 'open' ? `<p>${t('status:page.since', { when: when(view.since) })}</p>` : ''}
    ${view.expectedBy ? `<p>${escapeHtml(t('status:page.expectedBy'))} <span id="expected">${when(view.expectedBy)}</span>${view.expectedInWorkingTime ? ` <span id="expected-working">${escapeHtml(t('status:page.workingTime', { duration: view.expectedInWorkingTime }))}</span>` : ''}</p>` : ''}
  </section>
  ${fieldSection(view, token, t)}
  ${view.waitingOnYou.map((task) => waitingForm(token, task, t)).join('\n')}
  ${conversationSection(token, messages, view.status === 'open', t)}
  ${details.length ? `<section id="details"><h2>${escapeHtml(t('status:page.yourRequest'))}</h2><dl>${details.map(([name, value]) => `<dt>${escapeHtml(name)}</dt><dd>${escapeHtml(typeof value === 'object' ? JSON.stringify(value) : value)}</dd>`).join('')}</dl></section>` : ''}
  <section id="history">
    <h2>${escapeHtml(t('status:page.history'))}</h2>
    <ol>${view.history.map((entry) => `<li><strong>${escapeHtml(word(entry.stage))}</strong>${entry.department ? ` · ${escapeHtml(word(entry.department))}` : ''} · ${when(entry.from)}</li>`).join('')}</ol>
  </section>
  ${view.feedbackWanted ? feedbackForm(token, t) : ''}
  ${view.feedback ? `<section id="feedback-given"><h2>${escapeHtml(t('status:page.thanks'))}</h2><p>${escapeHtml(t('status:page.rated', { rating: view.feedback.rating }))}</p></section>` : ''}
</main>`;
  return page(t('status:page.title', { ticketNumber: view.ticketNumber }), body, true, lang);
}

/** The one page for every link that opens nothing (wrong, expired, unknown): it tells nothing more. */
export function noTicketPage(message: string, lang: Lang = 'en'): string {
  const t = translator(lang);
  return page(t('status:page.statusTitle'), `<main><h1>${escapeHtml(t('status:page.statusTitle'))}</h1><section><p>${escapeHtml(message)}</p></section>${lookupForm(t)}</main>`, false, lang);
}

/** `/status`: look a ticket up by its number and email; the link goes out by email, the page says the same either way. */
export function lookupPage(lang: Lang, sent: boolean, notice: string | null = null): string {
  const t = translator(lang);
  const body = `<main id="lookup">
  <h1>${escapeHtml(t('status:lookup.title'))}</h1>
  ${notice ? `<p class="notice" role="alert">${escapeHtml(notice)}</p>` : ''}
  ${sent ? `<section id="lookup-sent" role="status"><p>${escapeHtml(t('status:lookup.sent'))}</p></section>` : ''}
  ${lookupForm(t)}
</main>`;
  return page(t('status:lookup.title'), body, false, lang);
}

function lookupForm(t: Translate): string {
  return `<section>
  <p>${escapeHtml(t('status:lookup.intro'))}</p>
  <form method="post" action="/status">
    <label for="lookup-ticket">${escapeHtml(t('status:lookup.ticketNumber'))}</label>
    <input id="lookup-ticket" name="ticketNumber" required maxlength="50" autocomplete="off">
    <label for="lookup-email">${escapeHtml(t('status:lookup.email'))}</label>
    <input id="lookup-email" name="email" type="email" required maxlength="320" autocomplete="email">
    <button type="submit">${escapeHtml(t('status:lookup.submit'))}</button>
  </form>
</section>`;
}
