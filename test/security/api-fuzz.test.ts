import { createHash } from 'node:crypto';

import { expect } from 'chai';
import fc from 'fast-check';
import type { Database } from 'better-sqlite3';

import { useTestServer } from '../support/test-server.js';
import { userTaskProcess } from '../support/harness.js';
import { connectLive } from '../support/live-client.js';
import { FIELD_SERVICE, newTicket } from '../customer/customer-support.js';
import { RatingLinks } from '../../server/customer/rating-links.js';

/**
 * API fuzzing over every route: bodies shaped like each route's schema (its field names) with
 * hostile values in them — prototype keys, non-finite numbers, huge and deep values, odd Unicode —
 * and hostile path segments and queries. Whatever arrives: never a 5xx, and a 4xx changes nothing.
 */

/** Raw JSON text fragments: some fine, most hostile. Raw text, because JSON.stringify cannot write 1e400 or a __proto__ key. */
const fragment: fc.Arbitrary<string> = fc.oneof(
  fc.jsonValue({ maxDepth: 3 }).map((value) => JSON.stringify(value) ?? 'null'),
  fc.constantFrom('1e400', '-1e400', '1e-400', '-0', '9007199254740993', '{"__proto__":{"admin":true}}', '{"constructor":{"prototype":{"polluted":1}}}', '{"prototype":1}'),
  fc.constantFrom('"\\ud800"', '"\\u0000"', '"\\u202eevil"', '"<script>alert(1)</script>"', '"=cmd|\' /C calc\'!A0"', '"../../etc/passwd"', '"l1"', 'true', '{}', '[]'),
  fc.string({ unit: 'binary', maxLength: 40 }).map((text) => JSON.stringify(text)),
  fc.integer({ min: 100, max: 3000 }).map((depth) => `${'['.repeat(depth)}${']'.repeat(depth)}`),
  fc.integer({ min: 21, max: 200 }).map((depth) => `${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}`),
  fc.integer({ min: 10_000, max: 1_200_000 }).map((length) => JSON.stringify('x'.repeat(length))),
);

/** An object with the given field names (some left out, some extra) and fragment values. */
function shaped(fields: string[]): fc.Arbitrary<string> {
  return fc
    .tuple(
      fc.subarray(fields),
      fc.array(fc.tuple(fc.constantFrom(...fields, '__proto__', 'constructor', 'extra', 'amount'), fragment), { maxLength: 3 }),
      fc.array(fragment, { minLength: fields.length + 3, maxLength: fields.length + 3 }),
    )
    .map(([chosen, extra, values]) => {
      const pairs = chosen.map((field, index) => [field, field === 'variables' ? `{"amount":${values[index]}}` : values[index]!] as const);
      return `{${[...pairs, ...extra].map(([key, value]) => `${JSON.stringify(key)}:${value}`).join(',')}}`;
    });
}

const body = (fields: string[]): fc.Arbitrary<string> => fc.oneof({ weight: 4, arbitrary: shaped(fields) }, { weight: 1, arbitrary: fragment });

const oddSegment = fc.oneof(
  fc.string({ unit: 'binary', minLength: 1, maxLength: 30 }).map(encodeURIComponent),
  fc.constantFrom('%00', '..%2F..%2Fetc', '__proto__', 'constructor', '%F0%9F%92%A9', 'x'.repeat(5000), '%E2%80%AE', '-1', '1e400', 'NaN'),
  // in a query: the key again (an array), a bracketed key, an empty value
  fc.constantFrom('1&limit=2&limit=3&month=2026-01&month=2026-02&score=1&score=2', 'x&format[]=csv&status[a]=b', '2026-01&from=&to=&a=1&b=', '&&&=&'),
);

/** Headers a browser or a scanner may send: a language cookie and an Accept-Language that are not what they should be. */
const oddHeaders: fc.Arbitrary<Record<string, string>> = fc.oneof(
  { weight: 3, arbitrary: fc.constant({}) },
  {
    weight: 1,
    arbitrary: fc.record(
      {
        authorization: fc.constantFrom('Bearer ', 'Bearer %00', 'Basic YWRtaW46YWRtaW4=', 'Bearer a.b.c', `Bearer ${'x'.repeat(5000)}`, 'bearer'),
        cookie: fc.constantFrom(
          'baton_lang=%E0%A4%A',
          'baton_lang=%',
          'baton_lang=ru',
          'baton_lang=__proto__',
          'baton_session=%ZZ; baton_lang=%FF',
          '=; ;;baton_lang',
          'baton_session=x',
          `baton_session=${'y'.repeat(5000)}`,
        ),
        'accept-language': fc.constantFrom('*;q=NaN', 'ru;q=1e400, en;q=-1', ';;;,,,', 'x'.repeat(4000), 'de-DE;q=0.9,ru;q=abc'),
        'x-forwarded-for': fc.constantFrom('1.2.3.4', 'not-an-ip, ::1', ''),
        'x-csrf-token': fc.constantFrom('', '%00', 'x'.repeat(300)),
      },
      { requiredKeys: [] },
    ),
  },
);

interface Ids {
  instanceId: string;
  taskId: string;
  userId: string;
  /** A field-service ticket's: its status link token and its id. */
  token: string;
  fieldInstanceId: string;
  /** The path of the rating link of the first instance (`<id>/<signature>`). */
  rate: string;
}

interface Route {
  method: string;
  path: (ids: Ids, segment: string) => string;
  fields: string[] | null;
  /** A body that is not JSON (CSV imports, HTML forms): its content type, and the text generated for it. */
  raw?: { type: string; text: fc.Arbitrary<string> };
  /** A body the route accepts: some runs send it with one or two fields hostile, to reach past the schema into the handler. */
  valid?: Record<string, unknown>;
}

/** The valid body with up to two of its fields replaced by fragments (none: the valid body itself). */
function nearlyValid(valid: Record<string, unknown>): fc.Arbitrary<string> {
  const keys = Object.keys(valid);
  return fc.tuple(fc.subarray(keys, { maxLength: Math.min(2, keys.length) }), fc.array(fragment, { minLength: 2, maxLength: 2 })).map(([hostile, values]) => {
    const pairs = keys.map((key) => [key, hostile.includes(key) ? values[hostile.indexOf(key)]! : JSON.stringify(valid[key])] as const);
    return `{${pairs.map(([key, value]) => `${JSON.stringify(key)}:${value}`).join(',')}}`;
  });
}

/** A value for a CSV cell or a form field: fine, empty, formula-like, huge, or binary. */
const cell = fc.oneof(
  fc.constantFrom('', '1', '-1', '1e400', 'NaN', "=cmd|' /C calc'!A0", '"quoted, comma"', '__proto__', 'a;b|c', '%00', '%ZZ', '5'),
  fc.string({ unit: 'binary', maxLength: 40 }),
  fc.integer({ min: 1000, max: 200_000 }).map((length) => 'x'.repeat(length)),
);
const csv = (columns: string[]): fc.Arbitrary<string> =>
  fc.oneof(
    fc
      .tuple(fc.subarray([...columns, '__proto__', 'extra']), fc.array(fc.array(cell, { maxLength: columns.length + 2 }), { maxLength: 5 }))
      .map(([header, rows]) => [header.join(','), ...rows.map((row) => row.join(','))].join('\n')),
    fc.string({ unit: 'binary', maxLength: 200 }),
  );
const form = (fields: string[]): fc.Arbitrary<string> =>
  fc.oneof(
    fc
      .array(fc.tuple(fc.constantFrom(...fields, '__proto__', 'constructor', 'extra'), cell), { maxLength: 4 })
      .map((pairs) => pairs.map(([key, value]) => `${encodeURIComponent(key)}=${encodeURIComponent(value)}`).join('&')),
    fc.constantFrom('rating=3', 'rating=5&comment=fine', 'rating[]=1&rating[]=2', 'rating=%ZZ', '%%%', '&&&='),
  );
/** iCalendar text: one event whose lines are fine, odd, or broken. */
const icsLine = fc.oneof(
  fc.constantFrom(
    'DTSTART;VALUE=DATE:20261225',
    'DTSTART;VALUE=DATE:abc',
    'DTSTART;VALUE=DATE:00000000',
    'DTSTART;VALUE=DATE:99999999',
    'DTSTART;VALUE=DATE:20261399',
    'DTSTART:20261225T100000Z',
    'DTSTART;TZID=Nowhere/X:20261225T100000',
  ),
  fc.constantFrom(
    'DTEND;VALUE=DATE:20261227',
    'DTEND;VALUE=DATE:garbage',
    'DURATION:P100000D',
    'DURATION:bogus',
    'RRULE:FREQ=YEARLY',
    'RRULE:FREQ=BOGUS',
    'RRULE:garbage',
    'RECURRENCE-ID;VALUE=DATE:x',
  ),
  cell.map((text) => `SUMMARY:${text.replace(/[\r\n]/g, ' ')}`),
);
const ics: fc.Arbitrary<string> = fc.oneof(
  fc.array(icsLine, { maxLength: 4 }).map((lines) => ['BEGIN:VCALENDAR', 'BEGIN:VEVENT', ...lines, 'END:VEVENT', 'END:VCALENDAR'].join('\r\n')),
  fc.string({ unit: 'binary', maxLength: 300 }),
);
/** multipart/form-data with boundary B: fields and files, whole or cut off. */
const multipart: fc.Arbitrary<string> = fc.oneof(
  fc
    .array(
      fc.tuple(
        fc.constantFrom('typePlate', 'note', '__proto__', 'variables', ''),
        fc.constantFrom('', '; filename="plate.png"', '; filename="../../x.exe"', '; filename="\u0000"'),
        fc.constantFrom('', 'Content-Type: image/png\r\n', 'Content-Type: text/html\r\n'),
        cell,
      ),
      { maxLength: 4 },
    )
    .chain((parts) =>
      fc
        .boolean()
        .map((closed) => `${parts.map(([name, file, type, value]) => `--B\r\nContent-Disposition: form-data; name="${name}"${file}\r\n${type}\r\n${value}\r\n`).join('')}${closed ? '--B--\r\n' : ''}`),
    ),
  fc.string({ unit: 'binary', maxLength: 200 }),
);
const real = (segment: string, id: string): string => (segment === 'real' ? id : segment);

const ROUTES: Route[] = [
  { method: 'POST', path: () => '/api/instances', fields: ['processKey', 'variables', 'businessKey'], valid: { processKey: 'fuzz', variables: { amount: 1 }, businessKey: 'b1' } },
  { method: 'GET', path: (_ids, s) => `/api/instances?status=${s}&from=${s}&limit=${s}`, fields: null },
  { method: 'GET', path: (ids, s) => `/api/instances/${s === 'real' ? ids.instanceId : s}`, fields: null },
  { method: 'POST', path: (ids, s) => `/api/instances/${s === 'real' ? ids.instanceId : s}/cancel`, fields: ['reason'] },
  { method: 'POST', path: (ids, s) => `/api/instances/${ids.instanceId}/incidents/${s}/retry`, fields: ['reason'] },
  { method: 'GET', path: (ids, s) => `/api/instances/${ids.instanceId}/audit?format=${s}`, fields: null },
  { method: 'GET', path: (ids, s) => `/api/instances/${s === 'real' ? ids.instanceId : s}/audit/verify`, fields: null },
  { method: 'GET', path: (ids, s) => `/api/instances/${ids.instanceId}/replay?step=${s}`, fields: null },
  { method: 'GET', path: (_ids, s) => `/api/tasks?status=${s}&department=${s}&limit=${s}`, fields: null },
  { method: 'GET', path: (ids, s) => `/api/tasks/${s === 'real' ? ids.taskId : s}`, fields: null },
  ...['claim', 'release'].map((action) => ({ method: 'POST', path: (ids: Ids, s: string) => `/api/tasks/${s === 'real' ? ids.taskId : s}/${action}`, fields: ['version'] })),
  { method: 'POST', path: (ids, s) => `/api/tasks/${s === 'real' ? ids.taskId : s}/complete`, fields: ['variables', 'version'], valid: { variables: { amount: 2 } } },
  { method: 'POST', path: (ids, s) => `/api/tasks/${s === 'real' ? ids.taskId : s}/pass-up`, fields: ['reason', 'version'] },
  { method: 'POST', path: (ids, s) => `/api/tasks/${s === 'real' ? ids.taskId : s}/hand-over`, fields: ['department', 'assignee', 'reason', 'version'], valid: { department: 'l1', reason: 'fuzz' } },
  { method: 'POST', path: (ids, s) => `/api/tasks/${s === 'real' ? ids.taskId : s}/comments`, fields: ['text', 'version'], valid: { text: 'a comment' } },
  { method: 'GET', path: (_ids, s) => `/api/timers?instance=${s}&dueBefore=${s}`, fields: null },
  { method: 'POST', path: (_ids, s) => `/api/timers/${s}/fire`, fields: ['reason'] },
  { method: 'POST', path: (_ids, s) => `/api/timers/${s}/reschedule`, fields: ['dueAt', 'reason'], valid: { dueAt: '2030-01-01T00:00:00Z', reason: 'fuzz' } },
  { method: 'POST', path: () => '/api/messages', fields: ['name', 'businessKey', 'variables'] },
  {
    method: 'POST',
    path: () => '/api/users',
    fields: ['username', 'password', 'role', 'departments', 'skills'],
    valid: { username: 'fuzzer', password: 'a long enough passphrase 42', role: 'staff', departments: ['l1'], skills: ['gas'] },
  },
  { method: 'PATCH', path: (ids, s) => `/api/users/${s === 'real' ? ids.userId : s}`, fields: ['role', 'departments', 'skills', 'disabled', 'password'] },
  { method: 'POST', path: () => '/api/departments', fields: ['id', 'name', 'parentId'], valid: { id: 'fz', name: 'Fuzz', parentId: 'l1' } },
  { method: 'PATCH', path: (_ids, s) => `/api/departments/${s === 'real' ? 'l1' : s}`, fields: ['name', 'parentId'] },
  { method: 'POST', path: () => '/api/definitions', fields: ['xml'] },
  { method: 'GET', path: (_ids, s) => `/api/definitions/${s}/versions/${s}/xml`, fields: null },
  { method: 'POST', path: () => '/api/auth/token', fields: ['username', 'password'] },
  { method: 'POST', path: (_ids, s) => `/api/public/processes/${s === 'real' ? 'fuzz' : s}/requests`, fields: ['customerEmail', 'description', 'amount'] },
  { method: 'GET', path: (ids, s) => `/api/public/status/${real(s, ids.token)}`, fields: null },
  { method: 'POST', path: (ids, s) => `/api/public/status/${real(s, ids.token)}/feedback`, fields: ['rating', 'comment'], valid: { rating: 4, comment: 'fine' } },
  { method: 'GET', path: (ids, s) => `/status/${real(s, ids.token)}`, fields: null },
  // field service
  { method: 'GET', path: () => '/api/parts', fields: null },
  { method: 'POST', path: () => '/api/parts', fields: ['sku', 'name', 'price'], valid: { sku: 'p1', name: 'Part', price: 10 } },
  { method: 'POST', path: () => '/api/parts/import', fields: null, raw: { type: 'text/csv', text: csv(['sku', 'name', 'price']) } },
  { method: 'GET', path: () => '/api/warehouses', fields: null },
  { method: 'POST', path: () => '/api/warehouses', fields: ['id', 'name', 'address', 'lat', 'lon'], valid: { id: 'wh1', name: 'Main', address: 'Street 1', lat: 52.5, lon: 13.4 } },
  { method: 'GET', path: (_ids, s) => `/api/stock?location=${s}&sku=${s}`, fields: null },
  { method: 'PUT', path: (_ids, s) => `/api/stock/${real(s, 'wh1')}/${real(s, 'p1')}`, fields: ['quantity'], valid: { quantity: 3 } },
  { method: 'GET', path: (_ids, s) => `/api/assets?limit=${s}&offset=${s}`, fields: null },
  { method: 'GET', path: (_ids, s) => `/api/assets/${s}`, fields: null },
  {
    method: 'POST',
    path: () => '/api/assets',
    fields: ['id', 'type', 'customerEmail', 'address', 'lat', 'lon', 'requiredSkills'],
    valid: { id: 'a1', type: 'boiler', customerEmail: 'c@example.com', address: 'Street 2', lat: 52.5, lon: 13.4, requiredSkills: ['gas'] },
  },
  { method: 'POST', path: () => '/api/assets/import', fields: null, raw: { type: 'text/csv', text: csv(['id', 'type', 'customerEmail', 'address', 'lat', 'lon', 'requiredSkills']) } },
  { method: 'POST', path: (ids, s) => `/api/instances/${real(s, ids.fieldInstanceId)}/dispatch`, fields: ['technician', 'reason'], valid: { technician: 'admin', reason: 'fuzz' } },
  ...['decline', 'on-my-way', 'arrived'].map((action) => ({
    method: 'POST',
    path: (ids: Ids, s: string) => `/api/tasks/${real(s, ids.taskId)}/${action}`,
    fields: ['reason'],
    valid: { reason: 'fuzz' },
  })),
  { method: 'GET', path: () => '/api/technician/visits', fields: null },
  { method: 'GET', path: (_ids, s) => `/api/field/kpis?month=${s}&technician=${s}&format=${s}`, fields: null },
  { method: 'GET', path: (ids, s) => `/api/instances/${real(s, ids.fieldInstanceId)}/invoice.pdf`, fields: null },
  { method: 'GET', path: (ids, s) => `/status/${real(s, ids.token)}/invoice.pdf`, fields: null },
  { method: 'GET', path: (ids, s) => `/api/public/status/${real(s, ids.token)}/invoice.pdf`, fields: null },
  // tickets and the conversation with the customer
  { method: 'GET', path: () => '/api/tickets/startable', fields: null },
  { method: 'GET', path: (_ids, s) => `/api/tickets/${s}`, fields: null },
  { method: 'GET', path: (ids, s) => `/api/instances/${real(s, ids.instanceId)}/conversation`, fields: null },
  { method: 'POST', path: (ids, s) => `/api/instances/${real(s, ids.instanceId)}/conversation`, fields: ['text'], valid: { text: 'hello' } },
  { method: 'GET', path: (ids, s) => `/api/instances/${ids.instanceId}/attachments/${s}`, fields: null },
  { method: 'GET', path: (ids, s) => `/api/instances/${real(s, ids.instanceId)}/customer`, fields: null },
  { method: 'GET', path: () => '/api/directory', fields: null },
  { method: 'POST', path: () => '/api/public/status/lookup', fields: ['ticketNumber', 'email'], valid: { ticketNumber: 'T-1', email: 'c@example.com' } },
  { method: 'GET', path: (ids, s) => `/api/public/status/${real(s, ids.token)}/conversation`, fields: null },
  { method: 'POST', path: (ids, s) => `/api/public/status/${real(s, ids.token)}/conversation`, fields: ['text'] },
  { method: 'POST', path: (ids, s) => `/api/public/status/${real(s, ids.token)}/tasks/${s}`, fields: ['variables'] },
  { method: 'POST', path: (ids, s) => `/api/public/status/${real(s, ids.token)}/tasks/${s}`, fields: null, raw: { type: 'multipart/form-data; boundary=B', text: multipart } },
  { method: 'POST', path: (ids, s) => `/status/${real(s, ids.token)}/tasks/${s}`, fields: null, raw: { type: 'multipart/form-data; boundary=B', text: multipart } },
  { method: 'GET', path: (_ids, s) => `/api/public/processes/${real(s, 'field-service')}/intake`, fields: null },
  { method: 'GET', path: (_ids, s) => `/api/public/processes/${real(s, 'field-service')}/request-link`, fields: null },
  { method: 'GET', path: (_ids, s) => `/api/public/processes/${real(s, 'field-service')}/qr.svg`, fields: null },
  { method: 'GET', path: (_ids, s) => `/request/${real(s, 'field-service')}/label?equipmentId=${s}&lang=${s}`, fields: null },
  { method: 'POST', path: () => '/status', fields: null, raw: { type: 'application/x-www-form-urlencoded', text: form(['ticketNumber', 'email']) } },
  { method: 'POST', path: (ids, s) => `/status/${real(s, ids.token)}/conversation`, fields: null, raw: { type: 'application/x-www-form-urlencoded', text: form(['text']) } },
  { method: 'POST', path: (ids, s) => `/status/${real(s, ids.token)}/feedback`, fields: null, raw: { type: 'application/x-www-form-urlencoded', text: form(['rating', 'comment']) } },
  { method: 'GET', path: (ids, s) => `/rate/${s === 'real' ? ids.rate : `${ids.instanceId}/${s}`}?score=${s}`, fields: null },
  {
    method: 'POST',
    path: (ids, s) => `/rate/${s === 'real' ? ids.rate : `${ids.instanceId}/${s}`}`,
    fields: null,
    raw: { type: 'application/x-www-form-urlencoded', text: form(['rating', 'comment']) },
  },
  // calendars and SLA pauses
  { method: 'GET', path: (_ids, s) => `/api/calendars/${real(s, 'fz')}`, fields: null },
  {
    method: 'POST',
    path: () => '/api/calendars',
    fields: ['id', 'name', 'timeZone', 'week', 'holidays', 'exceptions'],
    valid: {
      id: 'fz',
      name: 'Fuzz',
      timeZone: 'Europe/Berlin',
      week: { mon: [['09:00', '17:00']] },
      holidays: ['2026-12-25', { from: '2026-12-27', to: '2026-12-31' }],
      exceptions: [{ date: '2026-12-24', hours: [['09:00', '12:00']] }],
    },
  },
  {
    method: 'PATCH',
    path: (_ids, s) => `/api/calendars/${real(s, 'fz')}`,
    fields: ['name', 'timeZone', 'week', 'holidays', 'exceptions'],
    valid: { name: 'Fuzz', timeZone: 'Europe/Berlin', week: { tue: [['08:00', '16:00']] }, holidays: ['--01-01'], exceptions: [] },
  },
  { method: 'DELETE', path: (_ids, s) => `/api/calendars/${real(s, 'fz-spare')}`, fields: null },
  {
    method: 'POST',
    path: (_ids, s) => `/api/calendars/${real(s, 'fz')}/holidays/import`,
    fields: ['ics'],
    valid: { ics: 'BEGIN:VCALENDAR\nBEGIN:VEVENT\nDTSTART;VALUE=DATE:20261225\nSUMMARY:Christmas\nEND:VEVENT\nEND:VCALENDAR' },
  },
  { method: 'POST', path: (_ids, s) => `/api/calendars/${real(s, 'fz')}/holidays/import`, fields: null, raw: { type: 'text/calendar', text: ics } },
  ...['wait-on-customer', 'resume'].map((action) => ({ method: 'POST', path: (ids: Ids, s: string) => `/api/tasks/${real(s, ids.taskId)}/${action}`, fields: ['reason'], valid: { reason: 'fuzz' } })),
  // departments, definitions, connectors
  { method: 'GET', path: () => '/api/departments/heads', fields: null },
  { method: 'PUT', path: (_ids, s) => `/api/departments/${real(s, 'l1')}/head`, fields: ['username'], valid: { username: 'admin' } },
  { method: 'GET', path: (_ids, s) => `/api/definitions/${real(s, 'fuzz')}/versions`, fields: null },
  { method: 'GET', path: (_ids, s) => `/api/definitions/${real(s, 'fuzz')}/versions/${s}/forms/${s}`, fields: null },
  { method: 'GET', path: () => '/api/connectors', fields: null },
  // operations: interventions, migrations, incidents, approvals, outbox, timers
  {
    method: 'PATCH',
    path: (ids, s) => `/api/instances/${real(s, ids.instanceId)}/variables`,
    fields: ['set', 'remove', 'reason', 'version'],
    valid: { set: { amount: 5 }, remove: [], reason: 'fuzz' },
  },
  {
    method: 'POST',
    path: (ids, s) => `/api/instances/${real(s, ids.instanceId)}/move`,
    fields: ['from', 'to', 'reason', 'dryRun', 'version'],
    valid: { from: 't', to: 't', reason: 'fuzz', dryRun: true },
  },
  { method: 'POST', path: (ids, s) => `/api/instances/${real(s, ids.instanceId)}/restart`, fields: ['from', 'reason', 'dryRun'], valid: { from: 't', reason: 'fuzz', dryRun: true } },
  {
    method: 'POST',
    path: () => '/api/migrations',
    fields: ['processKey', 'fromVersion', 'toVersion', 'mapping', 'instanceIds', 'dryRun', 'reason', 'batchSize'],
    valid: { processKey: 'fuzz', fromVersion: 1, toVersion: 2, mapping: { t: 't' }, dryRun: true, reason: 'fuzz', batchSize: 10 },
  },
  { method: 'GET', path: () => '/api/incidents', fields: null },
  { method: 'POST', path: () => '/api/incidents/retry', fields: ['incidentIds', 'cause', 'reason'], valid: { cause: 'boom', reason: 'fuzz' } },
  { method: 'GET', path: (_ids, s) => `/api/operations/instances?process=${s}&status=${s}&limit=${s}`, fields: null },
  { method: 'GET', path: (_ids, s) => `/api/operations/tokens?process=${s}&version=${s}`, fields: null },
  { method: 'GET', path: (_ids, s) => `/api/approvals?status=${s}&limit=${s}`, fields: null },
  { method: 'POST', path: (_ids, s) => `/api/approvals/${s}/approve`, fields: null },
  { method: 'POST', path: (_ids, s) => `/api/approvals/${s}/reject`, fields: ['note'] },
  { method: 'GET', path: (_ids, s) => `/api/outbox?state=${s}&limit=${s}`, fields: null },
  { method: 'POST', path: (_ids, s) => `/api/outbox/${s}/resend`, fields: null },
  { method: 'POST', path: (_ids, s) => `/api/timers/${s}/cancel`, fields: ['reason'], valid: { reason: 'fuzz' } },
  { method: 'GET', path: () => '/api/timers/metrics', fields: null },
  { method: 'GET', path: (_ids, s) => `/api/tasks/unrouted?limit=${s}&offset=${s}`, fields: null },
  { method: 'POST', path: (ids, s) => `/api/tasks/${real(s, ids.taskId)}/bpmn-error`, fields: ['errorCode', 'reason', 'version'] },
  { method: 'POST', path: (ids, s) => `/api/tasks/${real(s, ids.taskId)}/escalation`, fields: ['escalationCode', 'reason', 'version'] },
  // external tasks
  { method: 'GET', path: (_ids, s) => `/api/external-tasks?topic=${s}`, fields: null },
  {
    method: 'POST',
    path: () => '/api/external-tasks/fetch-and-lock',
    fields: ['workerId', 'maxTasks', 'topics', 'asyncResponseTimeout'],
    valid: { workerId: 'w1', maxTasks: 2, topics: [{ topicName: 'fz', lockDuration: 1000 }] },
  },
  { method: 'POST', path: (_ids, s) => `/api/external-tasks/${s}/complete`, fields: ['workerId', 'variables'] },
  {
    method: 'POST',
    path: (_ids, s) => `/api/external-tasks/${s}/failure`,
    fields: ['workerId', 'errorMessage', 'errorDetails', 'retries', 'retryTimeout'],
    valid: { workerId: 'w1', errorMessage: 'boom', retries: 1, retryTimeout: 10 },
  },
  { method: 'POST', path: (_ids, s) => `/api/external-tasks/${s}/bpmn-error`, fields: ['workerId', 'errorCode', 'errorMessage', 'variables'] },
  { method: 'POST', path: (_ids, s) => `/api/external-tasks/${s}/extend-lock`, fields: ['workerId', 'newDuration'], valid: { workerId: 'w1', newDuration: 1000 } },
  // notifications and the account
  { method: 'GET', path: (_ids, s) => `/api/notifications?limit=${s}&before=${s}`, fields: null },
  { method: 'POST', path: () => '/api/notifications/read', fields: ['ids'], valid: { ids: ['n1'] } },
  { method: 'GET', path: () => '/api/account', fields: null },
  {
    method: 'PATCH',
    path: () => '/api/account',
    fields: ['lang', 'email', 'notifications'],
    valid: { lang: 'en', email: 'admin@example.com', notifications: { assigned: { browser: true, email: false } } },
  },
  { method: 'PATCH', path: () => '/api/users/me', fields: ['lang', 'email', 'notifications'] },
  { method: 'GET', path: () => '/api/auth/me', fields: null },
  { method: 'POST', path: () => '/api/auth/login', fields: ['username', 'password'] },
  { method: 'POST', path: () => '/api/auth/password', fields: ['currentPassword', 'newPassword'] },
  // reports and analytics
  { method: 'GET', path: () => '/api/reports/deliveries', fields: null },
  {
    method: 'PUT',
    path: (_ids, s) => `/api/reports/deliveries/${real(s, 'l1')}`,
    fields: ['enabled', 'timeZone', 'hour', 'lang', 'recipients'],
    valid: { enabled: true, timeZone: 'Europe/Berlin', hour: 7, lang: 'en', recipients: ['boss@example.com'] },
  },
  { method: 'GET', path: (_ids, s) => `/api/reports/deliveries/${real(s, 'l1')}/mail`, fields: null },
  { method: 'GET', path: (_ids, s) => `/api/reports/monthly?month=${s}&department=${s}&format=${s}`, fields: null },
  ...['activities', 'throughput', 'sla', 'field'].map((view) => ({
    method: 'GET',
    path: (_ids: Ids, s: string) => `/api/analytics/processes/${real(s, 'fuzz')}/${view}?from=${s}&to=${s}&version=${s}&bucket=${s}&department=${s}`,
    fields: null,
  })),
  { method: 'GET', path: (_ids, s) => `/api/analytics/processes/${real(s, 'fuzz')}/compare?from=${s}&a=${s}&b=${s}`, fields: null },
  { method: 'POST', path: () => '/api/analytics/rebuild', fields: ['process'] },
  // users: tokens and passwords
  { method: 'GET', path: () => '/api/users', fields: null },
  { method: 'GET', path: (ids, s) => `/api/users/${real(s, ids.userId)}`, fields: null },
  { method: 'POST', path: (ids, s) => `/api/users/${real(s, ids.userId)}/password`, fields: ['password'] },
  { method: 'GET', path: (ids, s) => `/api/users/${real(s, ids.userId)}/tokens`, fields: null },
  { method: 'POST', path: (ids, s) => `/api/users/${real(s, ids.userId)}/tokens`, fields: ['expiresAt'], valid: { expiresAt: '2030-01-01T00:00:00Z' } },
  { method: 'DELETE', path: (ids, s) => `/api/users/${ids.userId}/tokens/${s}`, fields: null },
];

describe('API fuzzing: hostile input over every route never gets a 5xx, and a 4xx changes nothing', function () {
  this.timeout(120_000);
  const server = useTestServer({ deploy: [userTaskProcess('fuzz'), FIELD_SERVICE] });

  function db(): Database {
    return (server.baton.store as unknown as { db: Database }).db;
  }

  /** Every table's rows, hashed: what "nothing changed" is checked against. */
  /** BATON_TEST_STORE=postgres runs the "never a 5xx" half on PostgreSQL; the "changes nothing" half reads SQLite's tables. */
  const onPostgres = process.env['BATON_TEST_STORE'] === 'postgres';

  function fingerprint(): string {
    if (onPostgres) return '';
    const hash = createHash('sha256');
    // rate_limits counts refused attempts (sign-ins, status link guesses) on purpose, for every node;
    // the analytics projections fold committed steps in the background (derived, rebuilt from the log).
    const tables = db()
      .prepare<[], { name: string }>("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name != 'rate_limits' AND name NOT LIKE 'analytics_%' ORDER BY name")
      .all();
    for (const { name } of tables) {
      hash.update(name);
      for (const row of db().prepare(`SELECT * FROM "${name}"`).raw().all()) hash.update(JSON.stringify(row, (_key, value: unknown) => (typeof value === 'bigint' ? String(value) : value)));
    }
    return hash.digest('hex');
  }

  it('holds for generated requests on every route', async () => {
    const { instance, opened } = await server.baton.instances.start({ processKey: 'fuzz', variables: {}, businessKey: null }, 'api');
    const admin = await server.baton.store.users.getByUsername('admin');
    const ticket = await newTicket(server.baton, server.http);
    const field = (await server.baton.store.instances.list({ processKey: 'field-service', limit: 1 }))[0]!;
    const ids: Ids = { instanceId: instance.id, taskId: opened[0]!.id, userId: admin!.id, token: ticket.token, fieldInstanceId: field.id, rate: '' };
    ids.rate = new URL(await new RatingLinks(server.baton.store.secrets, 'http://x').url(instance.id, 5)).pathname.slice('/rate/'.length);
    await server.http.token();
    for (const id of ['fz', 'fz-spare']) await server.http.request('POST', '/api/calendars', { id, name: 'Fuzz', timeZone: 'Europe/Berlin', week: { mon: [['09:00', '17:00']] } });
    // Secrets every node shares are made once, on first use (by design): the rating links' key here.
    await server.http.request('GET', '/rate/warm/up');
    await server.http.request('GET', '/api/public/processes/fuzz/intake');
    const failures: string[] = [];
    const statuses = new Map<number, number>();
    await fc.assert(
      fc.asyncProperty(
        fc
          .constantFrom(...ROUTES)
          .chain((route) =>
            fc.tuple(
              fc.constant(route),
              fc.oneof({ weight: 2, arbitrary: fc.constant('real') }, { weight: 3, arbitrary: oddSegment }),
              route.raw ? route.raw.text : route.fields ? (route.valid ? fc.oneof(body(route.fields), nearlyValid(route.valid)) : body(route.fields)) : fc.constant(undefined),
              oddHeaders,
            ),
          ),
        async ([route, segment, text, headers]) => {
          // Refused guesses of status links block the address for all of them: start every request unblocked, so the real link is reached.
          if (!onPostgres) db().prepare('DELETE FROM rate_limits').run();
          const before = fingerprint();
          const path = route.path(ids, segment);
          const res = await server.http.request(route.method, path, text, { ...headers, ...(text === undefined ? {} : { 'content-type': route.raw?.type ?? 'application/json' }) });
          statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
          if (res.status >= 500) failures.push(`${route.method} ${path.slice(0, 120)} → ${res.status} ${res.text.slice(0, 200)} (body ${String(text).slice(0, 200)})`);
          else if (res.status >= 400 && fingerprint() !== before) failures.push(`${route.method} ${path.slice(0, 120)} → ${res.status} but the store changed (body ${String(text).slice(0, 200)})`);
          if (failures.length && process.env['FUZZ_VERBOSE'] && !process.env['FUZZ_ALL']) console.log(failures);
          // FUZZ_ALL=1: run on past failures (no shrinking) to list them all at the end
          return failures.length === 0 || Boolean(process.env['FUZZ_ALL']);
        },
      ),
      { numRuns: Number(process.env['FUZZ_RUNS'] ?? 5000), seed: Number(process.env['FUZZ_SEED'] ?? 20261204) },
    );
    if (process.env['FUZZ_ALL']) console.log(failures.join('\n'));
    expect(failures).to.deep.equal([]);
    // the run reached the handlers (not only the parsers): refusals of several kinds, and successes
    if (process.env['FUZZ_VERBOSE']) console.log(Object.fromEntries(statuses));
    expect(statuses.get(400) ?? 0).to.be.above(50);
    expect([...statuses.keys()].filter((status) => status < 300)).to.not.be.empty;
    expect([...statuses.keys()].filter((status) => status >= 401 && status < 500).length).to.be.at.least(3);
  });

  it('holds for generated socket commands: every ack is an answer, never INTERNAL, and a refusal changes nothing', async () => {
    const { opened } = await server.baton.instances.start({ processKey: 'fuzz', variables: {}, businessKey: null }, 'api');
    const live = await connectLive(server.http.baseUrl, { token: await server.http.token() });
    const problems: string[] = [];
    try {
      const payload = fc.oneof(
        fc.jsonValue({ maxDepth: 3 }),
        fc.record({ taskId: fc.oneof(fc.constant(opened[0]!.id), fc.string({ unit: 'binary', maxLength: 300 })), version: fc.oneof(fc.integer(), fc.double(), fc.string()) }, { requiredKeys: [] }),
        fc.record({ department: fc.oneof(fc.constant('l1'), fc.string({ unit: 'binary', maxLength: 300 }), fc.jsonValue({ maxDepth: 2 })) }, { requiredKeys: [] }),
        fc.constant(JSON.parse('{"taskId":"x","__proto__":{"admin":true}}') as unknown),
        // below the socket's 64 kB message limit (beyond it the socket is closed: the next test)
        fc.integer({ min: 1000, max: 60_000 }).map((length) => ({ taskId: 'x'.repeat(length) })),
      );
      await fc
        .assert(
          fc.asyncProperty(fc.constantFrom('task:claim', 'task:release', 'inbox:join'), payload, async (event, sent) => {
            const before = fingerprint();
            const answer = await new Promise<{ error?: { code: string } }>((resolve) =>
              (live.socket.timeout(10_000).emit as (event: string, payload: unknown, ack: (err: unknown, answer: { error?: { code: string } }) => void) => void)(event, sent, (err, reply) =>
                resolve(err ? { error: { code: 'NO_ANSWER' } } : reply),
              ),
            );
            const code = answer.error?.code;
            if (code === 'INTERNAL' || code === 'NO_ANSWER') problems.push(`${event} ${JSON.stringify(sent).slice(0, 200)} → ${code}`);
            else if (code && fingerprint() !== before) problems.push(`${event} ${JSON.stringify(sent).slice(0, 200)} → ${code} but the store changed`);
            if (!live.socket.connected) problems.push(`${event} ${JSON.stringify(sent).slice(0, 100)} (${JSON.stringify(sent).length} chars) → socket disconnected`);
            return problems.length === 0;
          }),
          { numRuns: 150, seed: Number(process.env['FUZZ_SEED'] ?? 20261204) },
        )
        .catch((err: unknown) => {
          throw new Error(`${problems.join('\n')}\n${String(err).slice(0, 300)}`);
        });
    } finally {
      live.close();
    }
    expect(problems).to.deep.equal([]);
  });

  it('closes a socket that sends more than 64 kB at once; a new connection works', async () => {
    const live = await connectLive(server.http.baseUrl, { token: await server.http.token() });
    const closed = new Promise((resolve) => live.socket.once('disconnect', resolve));
    (live.socket.emit as (event: string, payload: unknown) => void)('task:claim', { taskId: 'x'.repeat(100_000) });
    await closed;
    live.close();
    const again = await connectLive(server.http.baseUrl, { token: await server.http.token() });
    try {
      const answer = await new Promise((resolve) => (again.socket.emit as (event: string, payload: unknown, ack: (answer: unknown) => void) => void)('inbox:join', { department: 'l1' }, resolve));
      expect(answer).to.deep.include({ ok: true });
    } finally {
      again.close();
    }
  });
});
