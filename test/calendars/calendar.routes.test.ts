import { expect } from 'chai';

import { addUser, bpmn } from '../support/harness.js';
import { useTestServer } from '../support/test-server.js';

const lunch = [
  ['09:00', '13:00'],
  ['14:00', '18:00'],
];
const support = { id: 'support', name: 'Support', timeZone: 'Europe/Berlin', week: { mon: lunch, tue: lunch, wed: lunch, thu: lunch, fri: lunch }, holidays: ['2026-12-25'] };

const ICS = [
  'BEGIN:VCALENDAR',
  'VERSION:2.0',
  'PRODID:-//test//holidays//EN',
  'BEGIN:VEVENT',
  'UID:1',
  'DTSTART;VALUE=DATE:20261224',
  'DTEND;VALUE=DATE:20261227',
  'SUMMARY:Christmas',
  'END:VEVENT',
  'BEGIN:VEVENT',
  'UID:2',
  'DTSTART;VALUE=DATE:20270101',
  'DTEND;VALUE=DATE:20270102',
  'SUMMARY:New Year',
  'RRULE:FREQ=YEARLY',
  'END:VEVENT',
  'BEGIN:VEVENT',
  'UID:3',
  'DTSTART;VALUE=DATE:20261225',
  'SUMMARY:Christmas Day',
  'END:VEVENT',
  'BEGIN:VEVENT',
  'UID:4',
  'DTSTART:20261231T100000Z',
  'DTEND:20261231T110000Z',
  'SUMMARY:Meeting',
  'END:VEVENT',
  'END:VCALENDAR',
].join('\r\n');

describe('Calendars API', () => {
  const t = useTestServer();

  it('creates, reads, changes and deletes a calendar; everyone signed in reads them', async () => {
    // when an admin creates the Support calendar
    const created = await t.http.request('POST', '/api/calendars', support);
    // then it reads back with the defaults filled in, also for staff
    expect(created.status).to.equal(201);
    expect(created.body).to.deep.equal({ ...support, exceptions: [] });
    await addUser(t.baton, 'ada', 'staff', ['l1']);
    const ada = await t.http.as('ada');
    expect((await ada.request('GET', '/api/calendars')).body).to.deep.equal([{ ...support, exceptions: [] }]);
    // when its Saturday is worked once and the zone changes
    const changed = await t.http.request('PATCH', '/api/calendars/support', { timeZone: 'America/New_York', exceptions: [{ date: '2026-12-05', hours: [['10:00', '14:00']] }] });
    expect(changed.status).to.equal(200);
    expect((await t.http.request('GET', '/api/calendars/support')).body).to.include({ timeZone: 'America/New_York' });
    // when it is deleted, then it is gone
    expect((await t.http.request('DELETE', '/api/calendars/support')).status).to.equal(204);
    expect((await t.http.request('GET', '/api/calendars/support')).status).to.equal(404);
  });

  it('refuses bad calendars with the field named, duplicates and non-admins, changing nothing', async () => {
    await t.http.request('POST', '/api/calendars', support);
    await addUser(t.baton, 'ada', 'staff', ['l1']);
    const ada = await t.http.as('ada');
    const cases: Array<[unknown, RegExp]> = [
      [{ ...support, id: 'other', timeZone: 'Mars/Olympus' }, /timeZone/],
      [{ ...support, id: 'other', week: { mon: [['18:00', '09:00']] } }, /week\.mon/],
      [
        {
          ...support,
          id: 'other',
          week: {
            mon: [
              ['09:00', '13:00'],
              ['12:00', '18:00'],
            ],
          },
        },
        /overlap/,
      ],
      [{ ...support, id: 'other', week: { monday: lunch } }, /monday/],
      [{ ...support, id: 'other', holidays: ['25.12.2026'] }, /holidays\.0/],
      [{ ...support, id: 'department' }, /reserved/],
    ];
    for (const [body, message] of cases) {
      const answer = await t.http.request('POST', '/api/calendars', body);
      expect(answer.status, JSON.stringify(body)).to.equal(400);
      expect((answer.body as { error: { message: string } }).error.message).to.match(message);
    }
    expect((await t.http.request('POST', '/api/calendars', support)).status).to.equal(409);
    expect((await t.http.request('PATCH', '/api/calendars/support', { week: { sun: [['25:00', '26:00']] } })).status).to.equal(400);
    expect((await ada.request('POST', '/api/calendars', { ...support, id: 'mine' })).status).to.equal(403);
    expect((await ada.request('PATCH', '/api/calendars/support', { name: 'Mine' })).status).to.equal(403);
    expect((await ada.request('DELETE', '/api/calendars/support')).status).to.equal(403);
    expect(await t.baton.store.calendars.list()).to.deep.equal([{ ...support, exceptions: [] }]);
  });

  it('gives a department a calendar, and refuses to delete a calendar in use, naming who uses it', async () => {
    await t.http.request('POST', '/api/calendars', support);
    // given L1 works by Support and a process names it
    const patched = await t.http.request('PATCH', '/api/departments/l1', { calendarId: 'support' });
    expect(patched.body).to.include({ id: 'l1', calendarId: 'support' });
    const xml = bpmn('uses-support', '<bpmn:startEvent id="s" /><bpmn:sequenceFlow id="f" sourceRef="s" targetRef="e" /><bpmn:endEvent id="e" />').replace(
      '<bpmn:startEvent',
      '<bpmn:extensionElements><camunda:properties><camunda:property name="calendar" value="support" /></camunda:properties></bpmn:extensionElements><bpmn:startEvent',
    );
    await t.baton.definitions.deploy(xml);
    // when the calendar is deleted
    const refused = await t.http.request('DELETE', '/api/calendars/support');
    // then 409 names the department and the process, and the calendar stays
    expect(refused.status).to.equal(409);
    expect((refused.body as { error: { message: string } }).error.message).to.match(/department l1.*process uses-support/);
    expect(await t.baton.store.calendars.get('support')).to.not.equal(null);
    // and an unknown calendar for a department is 404, the department unchanged
    expect((await t.http.request('PATCH', '/api/departments/l2', { calendarId: 'nowhere' })).status).to.equal(404);
    expect((await t.http.request('GET', '/api/departments/l2')).body).to.include({ calendarId: null });
    // reverse: taking the calendar from L1 frees it from the department
    await t.http.request('PATCH', '/api/departments/l1', { calendarId: null });
    expect((await t.baton.calendars.usage('support')).departments).to.deep.equal([]);
  });

  it('imports holidays from an .ics file: all-day events as dates, ranges and yearly dates', async () => {
    await t.http.request('POST', '/api/calendars', support);
    // when the .ics text is sent (raw text/calendar)
    const answer = await t.http.request('POST', '/api/calendars/support/holidays/import', ICS, { 'content-type': 'text/calendar' });
    // then the 3-day range, the yearly New Year and the single day (already there) are read; the meeting is skipped
    expect(answer.status).to.equal(200);
    expect(answer.body).to.deep.include({ added: 2, skipped: 1 });
    expect((await t.baton.store.calendars.get('support'))?.holidays).to.deep.equal(['2026-12-25', { from: '2026-12-24', to: '2026-12-26', name: 'Christmas' }, { date: '--01-01', name: 'New Year' }]);
    // and the same file again adds nothing; a file that is not iCalendar is 400 (as JSON too)
    expect((await t.http.request('POST', '/api/calendars/support/holidays/import', { ics: ICS })).body).to.deep.include({ added: 0 });
    const bad = await t.http.request('POST', '/api/calendars/support/holidays/import', { ics: 'hello' });
    expect(bad.status).to.equal(400);
    expect((bad.body as { error: { message: string } }).error.message).to.match(/iCalendar/);
  });

  it('refuses an .ics file with an unreadable or out-of-range date as 400 and stores nothing (was a 500, or year -1 stored)', async () => {
    await t.http.request('POST', '/api/calendars', support);
    const before = await t.baton.store.calendars.get('support');
    const event = (lines: string) => `BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\n${lines}\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n`;
    for (const ics of [
      event('DTSTART;VALUE=DATE:abc'),
      event('DTSTART;VALUE=DATE:20261225\r\nDTEND;VALUE=DATE:garbage'),
      event('DTSTART;VALUE=DATE:00000000'),
      event('DTSTART;VALUE=DATE:99999999'),
      event('DTSTART;VALUE=DATE:20261225\r\nSUMMARY:a\u0000b'),
    ]) {
      const answer = await t.http.request('POST', '/api/calendars/support/holidays/import', ics, { 'content-type': 'text/calendar' });
      expect(answer.status, ics).to.equal(400);
      expect((answer.body as { error: { message: string } }).error.message).to.match(/iCalendar/);
    }
    expect(await t.baton.store.calendars.get('support')).to.deep.equal(before);
    // a long summary is cut to the 200 characters a holiday name has, not refused
    const long = await t.http.request('POST', '/api/calendars/support/holidays/import', event(`DTSTART;VALUE=DATE:20260501\r\nSUMMARY:${'M'.repeat(300)}`), { 'content-type': 'text/calendar' });
    expect(long.status).to.equal(200);
    expect((await t.baton.store.calendars.get('support'))?.holidays).to.deep.include({ date: '2026-05-01', name: 'M'.repeat(200) });
  });
});
