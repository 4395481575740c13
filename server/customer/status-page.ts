import type { TaskFormField } from '../tasks/task.js';
import { MAX_FIELD_TEXT, type UploadField } from './form-fields.js';
import type { StatusView, WaitingTask } from './status-view.js';
import { ACCEPTED_UPLOAD_TYPES, MAX_UPLOAD_BYTES } from './upload-rules.js';

/** Everything the page shows comes from customers or diagrams: escaped, always. */
export function escapeHtml(value: unknown): string {
  return String(value ?? '').replace(/[&<>"']/g, (char) => `&#${char.charCodeAt(0)};`);
}

function when(iso: string | null): string {
  if (!iso) return '';
  const date = new Date(iso);
  const text = date.toLocaleString('en-GB', { dateStyle: 'medium', timeStyle: 'short', timeZone: 'UTC' });
  return `<time datetime="${escapeHtml(iso)}">${escapeHtml(text)} UTC</time>`;
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
`;

export function page(title: string, body: string, script = true): string {
  return `<!doctype html>
<html lang="en">
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

function uploadInput(field: UploadField, id: string): string {
  return `<input type="file" name="${escapeHtml(field.id)}" id="${id}" accept="${ACCEPTED_UPLOAD_TYPES.join(',')}"${field.required ? ' required' : ''}>
  <span class="muted">Photo (PNG, JPEG, WebP) or PDF, at most ${MAX_UPLOAD_BYTES / 1024 / 1024} MB</span>`;
}

function waitingForm(token: string, task: WaitingTask): string {
  const inputs = [
    ...task.fields.map((field) => {
      const id = `f-${escapeHtml(task.taskId)}-${escapeHtml(field.id)}`;
      return `<label for="${id}">${escapeHtml(field.label ?? field.id)}</label>${fieldInput(field, id)}`;
    }),
    ...task.uploads.map((field) => {
      const id = `u-${escapeHtml(task.taskId)}-${escapeHtml(field.id)}`;
      return `<label for="${id}">${escapeHtml(field.label ?? field.id)}</label>${uploadInput(field, id)}`;
    }),
  ];
  return `<section class="waiting" data-task="${escapeHtml(task.taskId)}">
  <h2>Waiting on you</h2>
  <p class="stage">${escapeHtml(task.stage)}</p>
  ${task.expectedBy ? `<p class="muted">Please answer by ${when(task.expectedBy)}</p>` : ''}
  <form method="post" action="/status/${escapeHtml(token)}/tasks/${escapeHtml(task.taskId)}" enctype="multipart/form-data">
    ${inputs.join('\n    ')}
    <button type="submit">Send</button>
  </form>
</section>`;
}

function feedbackForm(token: string): string {
  const stars = [1, 2, 3, 4, 5].map((n) => `<label><input type="radio" name="rating" value="${n}" required> ${n}</label>`).join('');
  return `<section id="feedback">
  <h2>How did we do?</h2>
  <form method="post" action="/status/${escapeHtml(token)}/feedback">
    <p class="rating">1 = poor, 5 = excellent<br>${stars}</p>
    <label for="comment">Anything you want to tell us (optional)</label>
    <textarea id="comment" name="comment" rows="3" cols="40" maxlength="2000"></textarea>
    <button type="submit">Send feedback</button>
  </form>
</section>`;
}

/** Field service: who is coming and when, and the invoice with its PDF. */
function fieldSection(view: StatusView, token: string): string {
  const { visit, invoice } = view.field ?? { visit: null, invoice: null };
  const parts: string[] = [];
  if (visit) {
    const name = visit.technicianFirstName ? escapeHtml(visit.technicianFirstName) : 'Your technician';
    const line = visit.state === 'on-the-way' ? `${name} is on the way` : visit.state === 'arrived' ? `${name} has arrived` : `${name} will visit you`;
    parts.push(`<p id="technician">${line}</p>`);
    if (visit.state === 'on-the-way' && visit.etaAt) parts.push(`<p>Expected at: <span id="eta">${when(visit.etaAt)}</span></p>`);
  }
  if (invoice) {
    const total = new Intl.NumberFormat('en', { style: 'currency', currency: invoice.currency }).format(invoice.total);
    parts.push(`<p id="invoice">Invoice ${escapeHtml(invoice.number)}: <strong id="invoice-total">${escapeHtml(total)}</strong> · <a href="/status/${escapeHtml(token)}/invoice.pdf" download>PDF</a></p>`);
  }
  return parts.length ? `<section id="field">${parts.join('')}</section>` : '';
}

/** The status page, complete without JavaScript; the script only refreshes it when the ticket moves. */
export function statusPage(view: StatusView, token: string, notice: string | null = null): string {
  const details = Object.entries(view.details);
  const body = `<main id="status" data-updated="${escapeHtml(view.updatedAt)}">
  <p class="muted">${escapeHtml(view.title)}</p>
  <h1>Ticket <span id="ticket-number">${escapeHtml(view.ticketNumber)}</span></h1>
  ${notice ? `<p class="notice" role="alert">${escapeHtml(notice)}</p>` : ''}
  <section id="current">
    <h2>${view.status === 'open' ? 'Where your request is' : 'Outcome'}</h2>
    <p class="stage" id="stage">${escapeHtml(view.stage)}</p>
    ${view.department ? `<p>With: <span id="department">${escapeHtml(view.department)}</span></p>` : ''}
    ${view.status === 'open' ? `<p>Since ${when(view.since)}</p>` : ''}
    ${view.expectedBy ? `<p>Expected by: <span id="expected">${when(view.expectedBy)}</span></p>` : ''}
  </section>
  ${fieldSection(view, token)}
  ${view.waitingOnYou.map((task) => waitingForm(token, task)).join('\n')}
  ${details.length ? `<section id="details"><h2>Your request</h2><dl>${details.map(([name, value]) => `<dt>${escapeHtml(name)}</dt><dd>${escapeHtml(typeof value === 'object' ? JSON.stringify(value) : value)}</dd>`).join('')}</dl></section>` : ''}
  <section id="history">
    <h2>History</h2>
    <ol>${view.history.map((entry) => `<li><strong>${escapeHtml(entry.stage)}</strong>${entry.department ? ` · ${escapeHtml(entry.department)}` : ''} · ${when(entry.from)}</li>`).join('')}</ol>
  </section>
  ${view.feedbackWanted ? feedbackForm(token) : ''}
  ${view.feedback ? `<section id="feedback-given"><h2>Thank you</h2><p>You rated us ${view.feedback.rating} of 5.</p></section>` : ''}
</main>`;
  return page(`Ticket ${view.ticketNumber}`, body);
}

/** The one page for every link that opens nothing (wrong, expired, unknown): it tells nothing more. */
export function noTicketPage(message: string): string {
  return page('Status', `<main><h1>Ticket status</h1><section><p>${escapeHtml(message)}</p></section></main>`, false);
}
