/**
 * /tickets/<number>: one ticket for whoever may see it: the customer and their contact, what is
 * open now with its SLA, the conversation with the customer (and writing to them), the files they
 * sent, the diagram with where the ticket is, and its whole story from the audit trail. Live: the
 * page watches the ticket on the `/tickets` namespace and reads it again after every step.
 */
import 'bpmn-js/dist/assets/diagram-js.css';
import 'bpmn-js/dist/assets/bpmn-js.css';
import 'bpmn-js/dist/assets/bpmn-font/css/bpmn-embedded.css';
import './tickets.css';

import { io, type Socket } from 'socket.io-client';

import type { ConversationMessage, StoryEntry, TicketView } from '../../../server/tickets/ticket.js';
import { TICKETS_NAMESPACE, type TicketClientEvents, type TicketServerEvents } from '../../../server/tickets/ticket-live.js';
import { ApiError, api, json } from '../shared/api.js';
import { $, el, errorText } from '../shared/dom.js';
import { mountTicketSearch } from '../shared/header.js';
import { formatDateTime, languagePicker, t, translatePage } from '../shared/i18n.js';
import { SignedOut, mountUserBadge, requireSession } from '../shared/session.js';
import { slaText } from '../inbox/sla-words.js';
import { TicketDiagram } from './ticket-diagram.js';

const ticketNumber = decodeURIComponent(location.pathname.split('/')[2] ?? '').toUpperCase();
const ui = {
  title: $('#ticket-title'),
  status: $('#page-status'),
  main: $('#ticket'),
  connection: $('#connection'),
  customer: $('#customer'),
  openTasks: $('#open-tasks'),
  conversation: $('#conversation'),
  conversationNotice: $('#conversation-notice'),
  write: $<HTMLFormElement>('#write'),
  writeText: $<HTMLTextAreaElement>('#write-text'),
  writeError: $('#write-error'),
  attachments: $('#attachments'),
  story: $('#story'),
};

let shown: TicketView | null = null;
let diagram: TicketDiagram | null = null;

function say(text: string): void {
  ui.status.textContent = text;
}

function facts(list: HTMLElement, rows: [string, string][]): void {
  list.replaceChildren(...rows.flatMap(([term, value]) => [el('dt', { text: term }), el('dd', { text: value })]));
}

function drawCustomer(ticket: TicketView): void {
  const { name, email, phone } = ticket.customer;
  const rows: [string, string][] = [];
  if (name) rows.push([t('tickets:page.name'), name]);
  if (email) rows.push([t('tickets:page.email'), email]);
  if (phone) rows.push([t('tickets:page.phone'), phone]);
  if (!email && !phone) rows.push([t('tickets:page.email'), t('tickets:page.noContact')]);
  if (ticket.problem) rows.push([t('tickets:page.problem'), ticket.problem]);
  rows.push([t('tickets:page.process'), `${ticket.processKey} (v${ticket.definitionVersion})`]);
  rows.push([t('tickets:page.status'), t(`tickets:page.statusValue.${ticket.status}`)]);
  rows.push([t('tickets:page.started'), formatDateTime(ticket.startedAt)]);
  if (ticket.endedAt) rows.push([t('tickets:page.ended'), formatDateTime(ticket.endedAt)]);
  facts(ui.customer, rows);
}

function drawOpenTasks(ticket: TicketView): void {
  const now = new Date();
  if (!ticket.openTasks.length) {
    ui.openTasks.replaceChildren(el('li', { className: 'muted', text: t('tickets:page.noOpenTasks') }));
    return;
  }
  ui.openTasks.replaceChildren(
    ...ticket.openTasks.map((task) => {
      const sla = slaText(task, now);
      const holder = task.assignee ? t('tickets:page.heldBy', { assignee: task.assignee }) : t('tickets:page.inQueue', { department: task.department ?? '—' });
      const link = el('a', { text: t('tickets:page.openInInbox') });
      link.href = `/inbox?task=${encodeURIComponent(task.id)}`;
      const item = el('li', { data: { taskId: task.id } }, el('strong', { text: task.name }), ` · ${holder} · `, el('span', { className: `sla sla-${sla.state}`, text: sla.text }), ' · ', link);
      return item;
    }),
  );
}

function messageItem(message: ConversationMessage): HTMLLIElement {
  const who = message.from === 'staff' ? t('tickets:page.fromStaff', { author: message.author ?? '' }) : t('tickets:page.fromCustomer');
  return el('li', { className: message.from, data: { seq: String(message.seq) } }, el('span', { className: 'who', text: `${who} · ${formatDateTime(message.at)}` }), message.text);
}

function drawConversation(ticket: TicketView): void {
  ui.conversation.replaceChildren(...(ticket.conversation.length ? ticket.conversation.map(messageItem) : [el('li', { className: 'muted', text: t('tickets:page.noMessages') })]));
}

function drawAttachments(ticket: TicketView): void {
  ui.attachments.replaceChildren(
    ...(ticket.attachments.length
      ? ticket.attachments.map((file) => {
          const link = el('a', { text: file.filename });
          link.href = `/api/instances/${encodeURIComponent(ticket.id)}/attachments/${encodeURIComponent(file.uploadId)}`;
          return el('li', {}, link, ` (${Math.ceil(file.size / 1024)} kB)`);
        })
      : [el('li', { className: 'muted', text: t('tickets:page.noAttachments') })]),
  );
}

function answerText(value: unknown): string {
  if (value === true) return t('tickets:story.yes');
  if (value === false) return t('tickets:story.no');
  if (value === null || value === undefined) return '';
  return typeof value === 'object' ? JSON.stringify(value) : String(value);
}

function storyItem(entry: StoryEntry): HTMLLIElement {
  const target = [entry.department, entry.assignee].filter(Boolean).join(' / ') || t('tickets:story.nobody');
  const line = t(`tickets:story.${entry.type}`, { actor: entry.actor, task: entry.taskName ?? '', department: entry.department ?? '—', target });
  const item = el('li', { className: entry.type, data: { type: entry.type, seq: String(entry.seq) } }, el('span', { className: 'when', text: formatDateTime(entry.at) }), line);
  if (entry.reason) item.append(el('span', { className: 'reason', text: t('tickets:story.reason', { reason: entry.reason }) }));
  if (entry.text) item.append(el('span', { className: 'text', text: entry.text }));
  const answers = entry.answers.filter((answer) => answer.key !== 'ticketNumber');
  if (answers.length) {
    item.append(el('dl', { className: 'answers' }, ...answers.flatMap((answer) => [el('dt', { text: answer.label }), el('dd', { text: answerText(answer.value) })])));
  }
  return item;
}

/** The story without task openings that only repeat what the next line says. */
function drawStory(ticket: TicketView): void {
  ui.story.replaceChildren(...ticket.story.filter((entry) => entry.type !== 'claimed' && entry.type !== 'released').map(storyItem));
}

async function draw(ticket: TicketView): Promise<void> {
  shown = ticket;
  document.title = t('tickets:page.title', { ticketNumber: ticket.ticketNumber });
  ui.title.textContent = t('tickets:page.title', { ticketNumber: ticket.ticketNumber });
  drawCustomer(ticket);
  drawOpenTasks(ticket);
  drawConversation(ticket);
  drawAttachments(ticket);
  drawStory(ticket);
  ui.main.hidden = false;
  ui.main.dataset['updated'] = String(ticket.story.length + ticket.conversation.length);
  say('');
  if (!diagram) {
    diagram = new TicketDiagram($('#diagram'));
    try {
      await diagram.open(await api.xml(ticket.processKey, ticket.definitionVersion));
    } catch (err) {
      $('#diagram').textContent = errorText(err);
    }
  }
  diagram.mark(ticket.activeElements, ticket.completedElements);
}

async function load(): Promise<void> {
  try {
    await draw(await json<TicketView>('GET', `/api/tickets/${encodeURIComponent(ticketNumber)}`));
  } catch (err) {
    if (err instanceof SignedOut) return;
    ui.main.hidden = true;
    if (err instanceof ApiError && err.status === 404) say(t('tickets:page.notFound', { ticketNumber }));
    else if (err instanceof ApiError && err.status === 403) say(t('tickets:page.forbidden', { ticketNumber }));
    else say(errorText(err));
  }
}

function watch(): void {
  const socket: Socket<TicketServerEvents, TicketClientEvents> = io(TICKETS_NAMESPACE, { transports: ['websocket'] });
  const state = (name: 'live' | 'offline', text: string) => {
    ui.connection.dataset['state'] = name;
    ui.connection.textContent = text;
  };
  socket.on('connect', () => {
    // Whatever happened while disconnected is read again; then the events are hints.
    void load().then(() => {
      if (!shown) return;
      socket.emit('ticket:watch', { instanceId: shown.id }, (answer) => {
        if ('ok' in answer) state('live', t('tickets:page.live'));
      });
    });
  });
  socket.on('disconnect', () => state('offline', t('tickets:page.offline')));
  socket.on('ticket:changed', (event) => {
    if (event.customerReplied) {
      ui.conversationNotice.textContent = t('tickets:page.customerReplied');
      ui.conversationNotice.hidden = false;
    }
    void load();
  });
}

function setUpWriting(role: string): void {
  if (role === 'auditor') {
    ui.write.hidden = true;
    return;
  }
  ui.write.addEventListener('submit', (event) => {
    event.preventDefault();
    const text = ui.writeText.value.trim();
    ui.writeError.hidden = true;
    if (!text) {
      ui.writeError.textContent = t('tickets:page.empty');
      ui.writeError.hidden = false;
      return;
    }
    if (!shown) return;
    const button = $<HTMLButtonElement>('button', ui.write);
    button.disabled = true;
    json<ConversationMessage[]>('POST', `/api/instances/${encodeURIComponent(shown.id)}/conversation`, { json: { text } })
      .then(
        (messages) => {
          ui.writeText.value = '';
          if (shown) drawConversation({ ...shown, conversation: messages });
          say(t('tickets:page.sent'));
        },
        (err: unknown) => {
          ui.writeError.textContent = errorText(err);
          ui.writeError.hidden = false;
        },
      )
      .finally(() => {
        button.disabled = false;
      });
  });
}

async function start(): Promise<void> {
  translatePage();
  say(t('tickets:page.loading'));
  const session = await requireSession();
  const nav = $('#user');
  nav.append(languagePicker());
  mountUserBadge(nav, session);
  mountTicketSearch($('#search-slot'));
  setUpWriting(session.user.role);
  watch();
}

start().catch((err: unknown) => {
  if (err instanceof SignedOut) return;
  say(errorText(err));
});
