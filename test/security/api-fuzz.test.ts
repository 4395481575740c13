import { createHash } from 'node:crypto';

import { expect } from 'chai';
import fc from 'fast-check';
import type { Database } from 'better-sqlite3';

import { useTestServer } from '../support/test-server.js';
import { userTaskProcess } from '../support/harness.js';
import { connectLive } from '../support/live-client.js';

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
);

interface Ids {
  instanceId: string;
  taskId: string;
  userId: string;
}

interface Route {
  method: string;
  path: (ids: Ids, segment: string) => string;
  fields: string[] | null;
  /** A body that is not JSON (CSV imports, HTML forms): its content type, and the text generated for it. */
  raw?: { type: string; text: fc.Arbitrary<string> };
}

/** A value for a CSV cell or a form field: fine, empty, formula-like, huge, or binary. */
const cell = fc.oneof(
  fc.constantFrom('', '1', '-1', '1e400', 'NaN', '=cmd|\' /C calc\'!A0', '"quoted, comma"', '__proto__', 'a;b|c', '%00', '%ZZ', '5'),
  fc.string({ unit: 'binary', maxLength: 40 }),
  fc.integer({ min: 1000, max: 200_000 }).map((length) => 'x'.repeat(length)),
);
const csv = (columns: string[]): fc.Arbitrary<string> =>
  fc.oneof(
    fc.tuple(fc.subarray([...columns, '__proto__', 'extra']), fc.array(fc.array(cell, { maxLength: columns.length + 2 }), { maxLength: 5 })).map(([header, rows]) => [header.join(','), ...rows.map((row) => row.join(','))].join('\n')),
    fc.string({ unit: 'binary', maxLength: 200 }),
  );
const form = (fields: string[]): fc.Arbitrary<string> =>
  fc.oneof(
    fc.array(fc.tuple(fc.constantFrom(...fields, '__proto__', 'constructor', 'extra'), cell), { maxLength: 4 }).map((pairs) => pairs.map(([key, value]) => `${encodeURIComponent(key)}=${encodeURIComponent(value)}`).join('&')),
    fc.constantFrom('rating=3', 'rating=5&comment=fine', 'rating[]=1&rating[]=2', 'rating=%ZZ', '%%%', '&&&='),
  );
const real = (segment: string, id: string): string => (segment === 'real' ? id : segment);

const ROUTES: Route[] = [
  { method: 'POST', path: () => '/api/instances', fields: ['processKey', 'variables', 'businessKey'] },
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
  { method: 'POST', path: (ids, s) => `/api/tasks/${s === 'real' ? ids.taskId : s}/complete`, fields: ['variables', 'version'] },
  { method: 'POST', path: (ids, s) => `/api/tasks/${s === 'real' ? ids.taskId : s}/pass-up`, fields: ['reason', 'version'] },
  { method: 'POST', path: (ids, s) => `/api/tasks/${s === 'real' ? ids.taskId : s}/hand-over`, fields: ['department', 'assignee', 'reason', 'version'] },
  { method: 'POST', path: (ids, s) => `/api/tasks/${s === 'real' ? ids.taskId : s}/comments`, fields: ['text', 'version'] },
  { method: 'GET', path: (_ids, s) => `/api/timers?instance=${s}&dueBefore=${s}`, fields: null },
  { method: 'POST', path: (_ids, s) => `/api/timers/${s}/fire`, fields: ['reason'] },
  { method: 'POST', path: (_ids, s) => `/api/timers/${s}/reschedule`, fields: ['dueAt', 'reason'] },
  { method: 'POST', path: () => '/api/messages', fields: ['name', 'businessKey', 'variables'] },
  { method: 'POST', path: () => '/api/users', fields: ['username', 'password', 'role', 'departments', 'skills'] },
  { method: 'PATCH', path: (ids, s) => `/api/users/${s === 'real' ? ids.userId : s}`, fields: ['role', 'departments', 'skills', 'disabled', 'password'] },
  { method: 'POST', path: () => '/api/departments', fields: ['id', 'name', 'parentId'] },
  { method: 'PATCH', path: (_ids, s) => `/api/departments/${s === 'real' ? 'l1' : s}`, fields: ['name', 'parentId'] },
  { method: 'POST', path: () => '/api/definitions', fields: ['xml'] },
  { method: 'GET', path: (_ids, s) => `/api/definitions/${s}/versions/${s}/xml`, fields: null },
  { method: 'POST', path: () => '/api/auth/token', fields: ['username', 'password'] },
  { method: 'POST', path: (_ids, s) => `/api/public/processes/${s === 'real' ? 'fuzz' : s}/requests`, fields: ['customerEmail', 'description', 'amount'] },
  { method: 'GET', path: (_ids, s) => `/api/public/status/${s}`, fields: null },
  { method: 'POST', path: (_ids, s) => `/api/public/status/${s}/feedback`, fields: ['rating', 'comment'] },
  { method: 'GET', path: (_ids, s) => `/status/${s}`, fields: null },
  // field service
  { method: 'GET', path: () => '/api/parts', fields: null },
  { method: 'POST', path: () => '/api/parts', fields: ['sku', 'name', 'price'] },
  { method: 'POST', path: () => '/api/parts/import', fields: null, raw: { type: 'text/csv', text: csv(['sku', 'name', 'price']) } },
  { method: 'GET', path: () => '/api/warehouses', fields: null },
  { method: 'POST', path: () => '/api/warehouses', fields: ['id', 'name', 'address', 'lat', 'lon'] },
  { method: 'GET', path: (_ids, s) => `/api/stock?location=${s}&sku=${s}`, fields: null },
  { method: 'PUT', path: (_ids, s) => `/api/stock/${real(s, 'wh1')}/${real(s, 'p1')}`, fields: ['quantity'] },
  { method: 'GET', path: (_ids, s) => `/api/assets?limit=${s}&offset=${s}`, fields: null },
  { method: 'GET', path: (_ids, s) => `/api/assets/${s}`, fields: null },
  { method: 'POST', path: () => '/api/assets', fields: ['id', 'type', 'customerEmail', 'address', 'lat', 'lon', 'requiredSkills'] },
  { method: 'POST', path: () => '/api/assets/import', fields: null, raw: { type: 'text/csv', text: csv(['id', 'type', 'customerEmail', 'address', 'lat', 'lon', 'requiredSkills']) } },
  { method: 'POST', path: (ids, s) => `/api/instances/${real(s, ids.instanceId)}/dispatch`, fields: ['technician', 'reason'] },
  ...['decline', 'on-my-way', 'arrived'].map((action) => ({ method: 'POST', path: (ids: Ids, s: string) => `/api/tasks/${real(s, ids.taskId)}/${action}`, fields: action === 'decline' ? ['reason'] : ['reason'] })),
  { method: 'GET', path: () => '/api/technician/visits', fields: null },
  { method: 'GET', path: (_ids, s) => `/api/field/kpis?month=${s}&technician=${s}&format=${s}`, fields: null },
  { method: 'GET', path: (ids, s) => `/api/instances/${real(s, ids.instanceId)}/invoice.pdf`, fields: null },
  { method: 'GET', path: (_ids, s) => `/status/${s}/invoice.pdf`, fields: null },
  { method: 'GET', path: (_ids, s) => `/api/public/status/${s}/invoice.pdf`, fields: null },
  // tickets and the conversation with the customer
  { method: 'GET', path: () => '/api/tickets/startable', fields: null },
  { method: 'GET', path: (_ids, s) => `/api/tickets/${s}`, fields: null },
  { method: 'GET', path: (ids, s) => `/api/instances/${real(s, ids.instanceId)}/conversation`, fields: null },
  { method: 'POST', path: (ids, s) => `/api/instances/${real(s, ids.instanceId)}/conversation`, fields: ['text'] },
  { method: 'GET', path: (ids, s) => `/api/instances/${ids.instanceId}/attachments/${s}`, fields: null },
  { method: 'GET', path: (ids, s) => `/api/instances/${real(s, ids.instanceId)}/customer`, fields: null },
  { method: 'GET', path: () => '/api/directory', fields: null },
  { method: 'POST', path: () => '/api/public/status/lookup', fields: ['ticketNumber', 'email'] },
  { method: 'GET', path: (_ids, s) => `/api/public/status/${s}/conversation`, fields: null },
  { method: 'POST', path: (_ids, s) => `/api/public/status/${s}/conversation`, fields: ['text'] },
  { method: 'POST', path: (_ids, s) => `/api/public/status/${s}/tasks/${s}`, fields: ['variables'] },
  { method: 'GET', path: (_ids, s) => `/api/public/processes/${real(s, 'fuzz')}/intake`, fields: null },
  { method: 'GET', path: (_ids, s) => `/api/public/processes/${real(s, 'fuzz')}/request-link`, fields: null },
  { method: 'GET', path: (_ids, s) => `/api/public/processes/${real(s, 'fuzz')}/qr.svg`, fields: null },
  { method: 'GET', path: (_ids, s) => `/request/${real(s, 'fuzz')}/label`, fields: null },
  { method: 'POST', path: () => '/status', fields: null, raw: { type: 'application/x-www-form-urlencoded', text: form(['ticketNumber', 'email']) } },
  { method: 'POST', path: (_ids, s) => `/status/${s}/conversation`, fields: null, raw: { type: 'application/x-www-form-urlencoded', text: form(['text']) } },
  { method: 'POST', path: (_ids, s) => `/status/${s}/feedback`, fields: null, raw: { type: 'application/x-www-form-urlencoded', text: form(['rating', 'comment']) } },
  { method: 'GET', path: (ids, s) => `/rate/${real(s, ids.instanceId)}/${s}?score=${s}`, fields: null },
  { method: 'POST', path: (ids, s) => `/rate/${real(s, ids.instanceId)}/${s}`, fields: null, raw: { type: 'application/x-www-form-urlencoded', text: form(['rating', 'comment']) } },
  // calendars and SLA pauses
  { method: 'GET', path: (_ids, s) => `/api/calendars/${s}`, fields: null },
  { method: 'POST', path: () => '/api/calendars', fields: ['id', 'name', 'timeZone', 'week', 'holidays', 'exceptions'] },
  { method: 'PATCH', path: (_ids, s) => `/api/calendars/${s}`, fields: ['name', 'timeZone', 'week', 'holidays', 'exceptions'] },
  { method: 'DELETE', path: (_ids, s) => `/api/calendars/${s}`, fields: null },
  { method: 'POST', path: (_ids, s) => `/api/calendars/${s}/holidays/import`, fields: ['ics'] },
  { method: 'POST', path: (_ids, s) => `/api/calendars/${s}/holidays/import`, fields: null, raw: { type: 'text/calendar', text: fc.oneof(fc.string({ unit: 'binary', maxLength: 300 }), fc.constantFrom('BEGIN:VCALENDAR\nBEGIN:VEVENT\nDTSTART;VALUE=DATE:99999999\nSUMMARY:x\nEND:VEVENT\nEND:VCALENDAR', 'BEGIN:VEVENT\nDTSTART:\nEND:VEVENT')) } },
  ...['wait-on-customer', 'resume'].map((action) => ({ method: 'POST', path: (ids: Ids, s: string) => `/api/tasks/${real(s, ids.taskId)}/${action}`, fields: ['reason'] })),
  // departments, definitions, connectors
  { method: 'GET', path: () => '/api/departments/heads', fields: null },
  { method: 'PUT', path: (_ids, s) => `/api/departments/${real(s, 'l1')}/head`, fields: ['username'] },
  { method: 'GET', path: (_ids, s) => `/api/definitions/${real(s, 'fuzz')}/versions`, fields: null },
  { method: 'GET', path: (_ids, s) => `/api/definitions/${real(s, 'fuzz')}/versions/${s}/forms/${s}`, fields: null },
  { method: 'GET', path: () => '/api/connectors', fields: null },
  // operations: interventions, migrations, incidents, approvals, outbox, timers
  { method: 'PATCH', path: (ids, s) => `/api/instances/${real(s, ids.instanceId)}/variables`, fields: ['set', 'remove', 'reason', 'version'] },
  { method: 'POST', path: (ids, s) => `/api/instances/${real(s, ids.instanceId)}/move`, fields: ['from', 'to', 'reason', 'dryRun', 'version'] },
  { method: 'POST', path: (ids, s) => `/api/instances/${real(s, ids.instanceId)}/restart`, fields: ['from', 'reason', 'dryRun'] },
  { method: 'POST', path: () => '/api/migrations', fields: ['processKey', 'fromVersion', 'toVersion', 'mapping', 'instanceIds', 'dryRun', 'reason', 'batchSize'] },
  { method: 'GET', path: () => '/api/incidents', fields: null },
  { method: 'POST', path: () => '/api/incidents/retry', fields: ['incidentIds', 'cause', 'reason'] },
  { method: 'GET', path: (_ids, s) => `/api/operations/instances?process=${s}&status=${s}&limit=${s}`, fields: null },
  { method: 'GET', path: (_ids, s) => `/api/operations/tokens?process=${s}&version=${s}`, fields: null },
  { method: 'GET', path: (_ids, s) => `/api/approvals?status=${s}&limit=${s}`, fields: null },
  { method: 'POST', path: (_ids, s) => `/api/approvals/${s}/approve`, fields: null },
  { method: 'POST', path: (_ids, s) => `/api/approvals/${s}/reject`, fields: ['note'] },
  { method: 'GET', path: (_ids, s) => `/api/outbox?state=${s}&limit=${s}`, fields: null },
  { method: 'POST', path: (_ids, s) => `/api/outbox/${s}/resend`, fields: null },
  { method: 'POST', path: (_ids, s) => `/api/timers/${s}/cancel`, fields: ['reason'] },
  { method: 'GET', path: () => '/api/timers/metrics', fields: null },
  { method: 'GET', path: (_ids, s) => `/api/tasks/unrouted?limit=${s}&offset=${s}`, fields: null },
  { method: 'POST', path: (ids, s) => `/api/tasks/${real(s, ids.taskId)}/bpmn-error`, fields: ['errorCode', 'reason', 'version'] },
  { method: 'POST', path: (ids, s) => `/api/tasks/${real(s, ids.taskId)}/escalation`, fields: ['escalationCode', 'reason', 'version'] },
  // external tasks
  { method: 'GET', path: (_ids, s) => `/api/external-tasks?topic=${s}`, fields: null },
  { method: 'POST', path: () => '/api/external-tasks/fetch-and-lock', fields: ['workerId', 'maxTasks', 'topics', 'asyncResponseTimeout'] },
  { method: 'POST', path: (_ids, s) => `/api/external-tasks/${s}/complete`, fields: ['workerId', 'variables'] },
  { method: 'POST', path: (_ids, s) => `/api/external-tasks/${s}/failure`, fields: ['workerId', 'errorMessage', 'errorDetails', 'retries', 'retryTimeout'] },
  { method: 'POST', path: (_ids, s) => `/api/external-tasks/${s}/bpmn-error`, fields: ['workerId', 'errorCode', 'errorMessage', 'variables'] },
  { method: 'POST', path: (_ids, s) => `/api/external-tasks/${s}/extend-lock`, fields: ['workerId', 'newDuration'] },
  // notifications and the account
  { method: 'GET', path: (_ids, s) => `/api/notifications?limit=${s}&before=${s}`, fields: null },
  { method: 'POST', path: () => '/api/notifications/read', fields: ['ids'] },
  { method: 'GET', path: () => '/api/account', fields: null },
  { method: 'PATCH', path: () => '/api/account', fields: ['lang', 'email', 'notifications'] },
  { method: 'PATCH', path: () => '/api/users/me', fields: ['lang', 'email', 'notifications'] },
  { method: 'GET', path: () => '/api/auth/me', fields: null },
  { method: 'POST', path: () => '/api/auth/login', fields: ['username', 'password'] },
  { method: 'POST', path: () => '/api/auth/password', fields: ['currentPassword', 'newPassword'] },
  // reports and analytics
  { method: 'GET', path: () => '/api/reports/deliveries', fields: null },
  { method: 'PUT', path: (_ids, s) => `/api/reports/deliveries/${real(s, 'l1')}`, fields: ['enabled', 'timeZone', 'hour', 'lang', 'recipients'] },
  { method: 'GET', path: (_ids, s) => `/api/reports/deliveries/${real(s, 'l1')}/mail`, fields: null },
  { method: 'GET', path: (_ids, s) => `/api/reports/monthly?month=${s}&department=${s}&format=${s}`, fields: null },
  ...['activities', 'throughput', 'sla', 'field'].map((view) => ({ method: 'GET', path: (_ids: Ids, s: string) => `/api/analytics/processes/${real(s, 'fuzz')}/${view}?from=${s}&to=${s}&version=${s}&bucket=${s}&department=${s}`, fields: null })),
  { method: 'GET', path: (_ids, s) => `/api/analytics/processes/${real(s, 'fuzz')}/compare?from=${s}&a=${s}&b=${s}`, fields: null },
  { method: 'POST', path: () => '/api/analytics/rebuild', fields: ['process'] },
  // users: tokens and passwords
  { method: 'GET', path: () => '/api/users', fields: null },
  { method: 'GET', path: (ids, s) => `/api/users/${real(s, ids.userId)}`, fields: null },
  { method: 'POST', path: (ids, s) => `/api/users/${real(s, ids.userId)}/password`, fields: ['password'] },
  { method: 'GET', path: (ids, s) => `/api/users/${real(s, ids.userId)}/tokens`, fields: null },
  { method: 'POST', path: (ids, s) => `/api/users/${real(s, ids.userId)}/tokens`, fields: ['expiresAt'] },
  { method: 'DELETE', path: (ids, s) => `/api/users/${ids.userId}/tokens/${s}`, fields: null },
];

describe('API fuzzing: hostile input over every route never gets a 5xx, and a 4xx changes nothing', function () {
  this.timeout(120_000);
  const server = useTestServer({ deploy: [userTaskProcess('fuzz')] });

  function db(): Database {
    return (server.baton.store as unknown as { db: Database }).db;
  }

  /** Every table's rows, hashed: what "nothing changed" is checked against. */
  function fingerprint(): string {
    const hash = createHash('sha256');
    // rate_limits counts refused attempts (sign-ins, status link guesses) on purpose, for every node;
    // the analytics projections fold committed steps in the background (derived, rebuilt from the log).
    const tables = db().prepare<[], { name: string }>("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name != 'rate_limits' AND name NOT LIKE 'analytics_%' ORDER BY name").all();
    for (const { name } of tables) {
      hash.update(name);
      for (const row of db().prepare(`SELECT * FROM "${name}"`).raw().all()) hash.update(JSON.stringify(row, (_key, value: unknown) => (typeof value === 'bigint' ? String(value) : value)));
    }
    return hash.digest('hex');
  }

  it('holds for generated requests on every route', async () => {
    const { instance, opened } = await server.baton.instances.start({ processKey: 'fuzz', variables: {}, businessKey: null }, 'api');
    const admin = await server.baton.store.users.getByUsername('admin');
    const ids: Ids = { instanceId: instance.id, taskId: opened[0]!.id, userId: admin!.id };
    await server.http.token();
    // Secrets every node shares are made once, on first use (by design): the rating links' key here.
    await server.http.request('GET', '/rate/warm/up');
    await server.http.request('GET', '/api/public/processes/fuzz/intake');
    const failures: string[] = [];
    const statuses = new Map<number, number>();
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...ROUTES).chain((route) =>
          fc.tuple(
            fc.constant(route),
            fc.oneof({ weight: 1, arbitrary: fc.constant('real') }, { weight: 3, arbitrary: oddSegment }),
            route.raw ? route.raw.text : route.fields ? body(route.fields) : fc.constant(undefined),
          ),
        ),
        async ([route, segment, text]) => {
          const before = fingerprint();
          const path = route.path(ids, segment);
          const res = await server.http.request(route.method, path, text, text === undefined ? {} : { 'content-type': route.raw?.type ?? 'application/json' });
          statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
          if (res.status >= 500) failures.push(`${route.method} ${path.slice(0, 120)} → ${res.status} ${res.text.slice(0, 200)} (body ${String(text).slice(0, 200)})`);
          else if (res.status >= 400 && fingerprint() !== before) failures.push(`${route.method} ${path.slice(0, 120)} → ${res.status} but the store changed (body ${String(text).slice(0, 200)})`);
          if (failures.length && process.env['FUZZ_VERBOSE'] && !process.env['FUZZ_ALL']) console.log(failures);
          // FUZZ_ALL=1: run on past failures (no shrinking) to list them all at the end
          return failures.length === 0 || Boolean(process.env['FUZZ_ALL']);
        },
      ),
      { numRuns: Number(process.env['FUZZ_RUNS'] ?? 1500), seed: Number(process.env['FUZZ_SEED'] ?? 20261204) },
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
      await fc.assert(
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
      ).catch((err: unknown) => {
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
