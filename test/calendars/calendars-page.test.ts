import path from 'node:path';

import { expect } from 'chai';
import type { Page } from 'playwright-core';

import { skipWithoutChromium, startBrowserBaton, type BrowserBaton } from '../support/browser.js';

const ICS = [
  'BEGIN:VCALENDAR',
  'VERSION:2.0',
  'PRODID:-//test//EN',
  'BEGIN:VEVENT',
  'UID:1',
  'DTSTART;VALUE=DATE:20261224',
  'DTEND;VALUE=DATE:20261227',
  'SUMMARY:Christmas',
  'END:VEVENT',
  'END:VCALENDAR',
].join('\r\n');

/** The administrators' calendars page in Chromium: create, edit, a refused line, .ics import, a refused delete, a phone. */
describe('calendars page (Chromium)', function () {
  let b: BrowserBaton;
  let page: Page;

  before(async function () {
    skipWithoutChromium(this);
    b = await startBrowserBaton({ deployShipped: false });
    page = b.page;
  });

  after(async () => {
    await b?.close();
  });

  const message = () => page.textContent('#message');

  it('creates a calendar with lunch breaks, edits its holidays, imports an .ics and refuses to delete it while in use', async () => {
    // given an admin on the empty calendars page
    await page.goto(`${b.baseUrl}/calendars`);
    await page.waitForSelector('body[data-ready]');
    // when they create "support" with Mon–Fri 09:00–13:00, 14:00–18:00 in Berlin
    await page.click('#new');
    await page.fill('input[name=id]', 'support');
    await page.fill('input[name=name]', 'Support');
    await page.fill('input[name=timeZone]', 'Europe/Berlin');
    for (const day of ['mon', 'tue', 'wed', 'thu', 'fri']) await page.fill(`#day-${day}`, '09:00-13:00, 14:00-18:00');
    await page.fill('textarea[name=holidays]', '2026-12-25 Christmas Day\n--01-01 New Year');
    await page.click('#save');
    await page.waitForSelector('#list button[data-calendar=support]');
    // then the server has it as typed
    const stored = await b.baton.store.calendars.get('support');
    expect(stored?.week.mon).to.deep.equal([
      ['09:00', '13:00'],
      ['14:00', '18:00'],
    ]);
    expect(stored?.holidays).to.deep.equal([
      { date: '2026-12-25', name: 'Christmas Day' },
      { date: '--01-01', name: 'New Year' },
    ]);
    // when a day's hours cannot be read, then the page names the day and nothing is sent
    await page.fill('#day-sat', '9 to 5');
    await page.click('#save');
    expect(await message()).to.match(/Saturday/);
    expect(await page.getAttribute('#day-sat', 'aria-invalid')).to.equal('true');
    // when the Saturday is fixed (10:00–14:00) and saved
    await page.fill('#day-sat', '10:00-14:00');
    await page.click('#save');
    await page.waitForFunction(() => document.querySelector('#message')?.textContent?.startsWith('Saved'));
    expect((await b.baton.store.calendars.get('support'))?.week.sat).to.deep.equal([['10:00', '14:00']]);
    // when an .ics file is imported, then its range is added and shown
    await page.setInputFiles('#ics', { name: 'holidays.ics', mimeType: 'text/calendar', buffer: Buffer.from(ICS) });
    await page.waitForFunction(() => document.querySelector('#message')?.textContent?.includes('1 holiday'));
    expect(await page.inputValue('textarea[name=holidays]')).to.contain('2026-12-24..2026-12-26 Christmas');
    // BATON_SCREENSHOT=docs/calendars.png refreshes the README's picture (another file name is another test's)
    const shot = process.env['BATON_SCREENSHOT'];
    if (shot && path.basename(shot) === 'calendars.png') await page.screenshot({ path: shot, fullPage: true });
    // when L1 works by it and the admin deletes it, then the server's refusal names L1
    await b.http.request('PATCH', '/api/departments/l1', { calendarId: 'support' });
    page.once('dialog', (dialog) => void dialog.accept());
    await page.click('#delete');
    await page.waitForFunction(() => document.querySelector('#message')?.className === 'error');
    expect(await message()).to.match(/department l1/);
    expect(await b.baton.store.calendars.get('support')).to.not.equal(null);
    expect(b.pageErrors.filter((error) => !error.includes('409'))).to.deep.equal([]);
  });

  it('fits a 400 px phone', async () => {
    const phone = await b.newPage();
    await phone.setViewportSize({ width: 400, height: 800 });
    await phone.goto(`${b.baseUrl}/calendars`);
    await phone.waitForSelector('body[data-ready]');
    const overflow = await phone.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
    expect(overflow).to.be.at.most(0);
    await phone.close();
  });
});

/** The page's DOM as the functions run in Chromium see it (the tests' tsconfig has no DOM lib). */
declare const document: {
  querySelector(selector: string): { textContent: string | null; className: string } | null;
  documentElement: { scrollWidth: number; clientWidth: number };
};
