/**
 * /calendars: administrators list, create, edit (week hours, holidays, one-off days) and delete
 * business calendars and import holidays from an .ics file; others read them. Everything goes
 * through `/api/calendars`; the server's refusals (a calendar in use, a bad time zone) are shown
 * in its words.
 */
import './calendars.css';

import type { CalendarPatchBody, IcsImportBody, NewCalendarBody } from '../../../server/contracts/calendars.js';
import { WEEKDAYS, type CalendarRecord, type Weekday } from '../../../server/calendars/calendar.js';
import { ApiError, json } from '../shared/api.js';
import { $, errorText } from '../shared/dom.js';
import { languagePicker, t, translatePage } from '../shared/i18n.js';
import { SignedOut, mountUserBadge, requireSession } from '../shared/session.js';
import { mountTicketSearch } from '../shared/header.js';
import { exceptionsText, FormLineError, holidaysText, hoursText, parseExceptions, parseHolidays, parseHours } from './calendar-form.js';

const list = $<HTMLUListElement>('#list');
const editor = $<HTMLFormElement>('#editor');
const message = $('#message');
const week = $('#week');
const ics = $<HTMLInputElement>('#ics');

let calendars: CalendarRecord[] = [];
/** The calendar open in the editor; null: a new one. */
let open: CalendarRecord | null = null;
let isAdmin = false;

function say(text: string, kind: '' | 'error' | 'busy' = ''): void {
  message.textContent = text;
  message.className = kind;
}

function input(name: string): HTMLInputElement | HTMLTextAreaElement {
  return editor.elements.namedItem(name) as HTMLInputElement | HTMLTextAreaElement;
}

function dayInput(day: Weekday): HTMLInputElement {
  return $<HTMLInputElement>(`#day-${day}`);
}

function buildWeek(): void {
  for (const day of WEEKDAYS) {
    const label = document.createElement('label');
    label.htmlFor = `day-${day}`;
    label.textContent = t(`calendars:day.${day}`);
    const field = document.createElement('input');
    field.id = `day-${day}`;
    field.name = `day-${day}`;
    field.placeholder = '09:00-13:00, 14:00-18:00';
    field.autocomplete = 'off';
    week.append(label, field);
  }
}

function renderList(): void {
  list.replaceChildren(
    ...calendars.map((calendar) => {
      const item = document.createElement('li');
      const button = document.createElement('button');
      button.type = 'button';
      button.textContent = `${calendar.name} (${calendar.id})`;
      button.dataset['calendar'] = calendar.id;
      button.setAttribute('aria-current', String(open?.id === calendar.id));
      button.addEventListener('click', () => show(calendar));
      item.append(button);
      return item;
    }),
  );
  if (calendars.length === 0) {
    const empty = document.createElement('li');
    empty.textContent = t('calendars:list.empty');
    list.append(empty);
  }
}

function show(calendar: CalendarRecord | null): void {
  open = calendar;
  editor.hidden = false;
  input('id').value = calendar?.id ?? '';
  (input('id') as HTMLInputElement).readOnly = calendar !== null;
  input('name').value = calendar?.name ?? '';
  input('timeZone').value = calendar?.timeZone ?? Intl.DateTimeFormat().resolvedOptions().timeZone;
  for (const day of WEEKDAYS) dayInput(day).value = hoursText(calendar?.week[day]);
  input('holidays').value = holidaysText(calendar?.holidays ?? []);
  input('exceptions').value = exceptionsText(calendar?.exceptions ?? []);
  $<HTMLButtonElement>('#delete').hidden = calendar === null || !isAdmin;
  ics.disabled = calendar === null || !isAdmin;
  $<HTMLButtonElement>('#save').textContent = t(calendar ? 'calendars:action.save' : 'calendars:action.create');
  for (const field of editor.querySelectorAll('[aria-invalid]')) field.removeAttribute('aria-invalid');
  renderList();
}

/** The editor's fields as a calendar body; throws a sentence naming the wrong field and line. */
function readEditor(): Omit<CalendarRecord, 'id'> {
  const weekHours: CalendarRecord['week'] = {};
  for (const day of WEEKDAYS) {
    try {
      const hours = parseHours(dayInput(day).value, day);
      if (hours.length) weekHours[day] = hours;
    } catch {
      dayInput(day).setAttribute('aria-invalid', 'true');
      dayInput(day).focus();
      throw new Error(t('calendars:error.hours', { day: t(`calendars:day.${day}`), text: dayInput(day).value }));
    }
  }
  try {
    return {
      name: input('name').value.trim(),
      timeZone: input('timeZone').value.trim(),
      week: weekHours,
      holidays: parseHolidays(input('holidays').value),
      exceptions: parseExceptions(input('exceptions').value),
    };
  } catch (err) {
    if (!(err instanceof FormLineError)) throw err;
    input(err.field).setAttribute('aria-invalid', 'true');
    input(err.field).focus();
    throw new Error(t('calendars:error.line', { field: t(`calendars:field.${err.field}`), line: err.line, text: err.message }));
  }
}

async function reload(selectId: string | null): Promise<void> {
  calendars = await json<CalendarRecord[]>('GET', '/api/calendars');
  const selected = calendars.find((calendar) => calendar.id === selectId) ?? null;
  if (selected) show(selected);
  else renderList();
}

async function save(): Promise<void> {
  for (const field of editor.querySelectorAll('[aria-invalid]')) field.removeAttribute('aria-invalid');
  let body: Omit<CalendarRecord, 'id'>;
  try {
    body = readEditor();
  } catch (err) {
    say(errorText(err), 'error');
    return;
  }
  say(t('calendars:status.saving'), 'busy');
  try {
    if (open) {
      const saved = await json<CalendarRecord>('PATCH', `/api/calendars/${encodeURIComponent(open.id)}`, { json: body satisfies CalendarPatchBody });
      await reload(saved.id);
      say(t('calendars:status.saved', { name: saved.name }));
    } else {
      const created = await json<CalendarRecord>('POST', '/api/calendars', { json: { id: input('id').value.trim(), ...body } satisfies NewCalendarBody });
      await reload(created.id);
      say(t('calendars:status.created', { name: created.name }));
    }
  } catch (err) {
    if (err instanceof SignedOut) return;
    say(t('calendars:error.failed', { message: errorText(err) }), 'error');
  }
}

async function remove(): Promise<void> {
  if (!open || !confirm(t('calendars:status.confirmDelete', { name: open.name }))) return;
  const name = open.name;
  say(t('calendars:status.saving'), 'busy');
  try {
    await json<unknown>('DELETE', `/api/calendars/${encodeURIComponent(open.id)}`).catch((err: unknown) => {
      // 204 has no JSON body; only a real error counts.
      if (err instanceof ApiError) throw err;
    });
    editor.hidden = true;
    open = null;
    await reload(null);
    say(t('calendars:status.deleted', { name }));
  } catch (err) {
    if (err instanceof SignedOut) return;
    say(t('calendars:error.failed', { message: errorText(err) }), 'error');
  }
}

async function importIcs(file: File): Promise<void> {
  if (!open) return;
  say(t('calendars:status.importing', { file: file.name }), 'busy');
  try {
    const result = await json<{ calendar: CalendarRecord; added: number; skipped: number }>('POST', `/api/calendars/${encodeURIComponent(open.id)}/holidays/import`, {
      json: { ics: await file.text() } satisfies IcsImportBody,
    });
    await reload(result.calendar.id);
    say(t('calendars:status.imported', { added: result.added, skipped: result.skipped }));
  } catch (err) {
    if (err instanceof SignedOut) return;
    say(t('calendars:error.failed', { message: errorText(err) }), 'error');
  } finally {
    ics.value = '';
  }
}

function fillZones(): void {
  const zones = (Intl as { supportedValuesOf?: (key: string) => string[] }).supportedValuesOf?.('timeZone') ?? [];
  $('#zones').replaceChildren(
    ...zones.map((zone) => {
      const option = document.createElement('option');
      option.value = zone;
      return option;
    }),
  );
}

async function main(): Promise<void> {
  translatePage();
  const session = await requireSession();
  mountTicketSearch($('#user'));
  mountUserBadge($('#user'), session);
  $('#user').prepend(languagePicker());
  isAdmin = session.user.role === 'admin';
  buildWeek();
  fillZones();
  $<HTMLButtonElement>('#new').hidden = !isAdmin;
  $<HTMLButtonElement>('#new').addEventListener('click', () => show(null));
  $<HTMLButtonElement>('#save').hidden = !isAdmin;
  editor.addEventListener('submit', (event) => {
    event.preventDefault();
    void save();
  });
  $<HTMLButtonElement>('#delete').addEventListener('click', () => void remove());
  ics.addEventListener('change', () => {
    const file = ics.files?.[0];
    if (file) void importIcs(file);
  });
  say(t('calendars:status.loading'), 'busy');
  try {
    await reload(null);
    say(isAdmin ? '' : t('calendars:error.forbidden'));
    if (calendars[0]) show(calendars[0]);
  } catch (err) {
    if (err instanceof SignedOut) return;
    say(t('calendars:error.loadFailed', { message: errorText(err) }), 'error');
  }
  document.body.dataset['ready'] = 'true';
}

void main();
