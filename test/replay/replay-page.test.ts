import path from 'node:path';

import type { Database } from 'better-sqlite3';
import { expect } from 'chai';
import type { Page } from 'playwright-core';

import { TEST_PASSWORD, addUser } from '../support/harness.js';
import { signInContext, skipWithoutChromium, startBrowserBaton, type BrowserBaton } from '../support/browser.js';

interface Started {
  id: string;
  ticketNumber: string;
  openTasks: { id: string }[];
}

/**
 * The auditor's pages in Chromium: a help-desk ticket escalated from L1 to L2 (the 20 h timer
 * forced by an admin), claimed and resolved at L2, replayed step by step; found through the audit
 * search; then one stored event edited in SQLite, which the badge names.
 */
describe('replay and audit search pages (Chromium)', function () {
  let b: BrowserBaton;
  let ticket: Started;
  let page: Page;

  before(async function () {
    skipWithoutChromium(this);
    b = await startBrowserBaton({ signInAs: null });
    await addUser(b.baton, 'audra', 'auditor');
    await addUser(b.baton, 'lena', 'staff', ['l2']);
    await signInContext(b.context, b.baseUrl, { username: 'audra', password: TEST_PASSWORD });
    page = b.page;

    // given a help-desk ticket first line could not resolve
    const started = await b.http.request('POST', '/api/instances', { processKey: 'helpdesk-escalation', variables: { customerEmail: 'eva@example.com' } });
    expect(started.status, started.text).to.equal(201);
    ticket = started.body as Started;
    await ok(b.http.request('POST', `/api/tasks/${ticket.openTasks[0]!.id}/complete`, { variables: { resolved: false } }));
    // and L1 left it for 20 h: the escalation timer is fired now by an admin (real clock)
    const timers = (await b.http.request('GET', `/api/timers?instance=${ticket.id}`)).body as { id: string; elementId: string }[];
    const escalate = timers.find((timer) => timer.elementId === 'Timer_L1_escalate');
    expect(escalate, JSON.stringify(timers)).to.not.equal(undefined);
    await ok(b.http.request('POST', `/api/timers/${encodeURIComponent(escalate!.id)}/fire`, { reason: 'replay test: 20 h passed' }));
    // and lena at L2 claims it and resolves it
    const lena = await b.http.as('lena');
    const l2 = ((await lena.request('GET', `/api/tasks?instanceId=${ticket.id}&status=open`)).body as { id: string; elementId: string }[]).find((task) => task.elementId === 'Task_L2');
    expect(l2, 'the L2 task').to.not.equal(undefined);
    await ok(lena.request('POST', `/api/tasks/${l2!.id}/claim`, {}));
    await ok(lena.request('POST', `/api/tasks/${l2!.id}/complete`, { variables: { resolved: true } }));
    expect(((await b.http.request('GET', `/api/instances/${ticket.id}`)).body as { status: string }).status).to.equal('completed');
  });

  after(async () => {
    await b?.close();
  });

  const marked = (elementId: string, marker: string) =>
    page.evaluate(([id, cls]) => document.querySelector(`.djs-element[data-element-id="${id}"]`)?.classList.contains(cls!) ?? false, [elementId, marker]);
  const step = async () => Number(await page.getAttribute('body', 'data-step'));
  /** Clicks the timeline row of the first event of that type (on that element) and answers its step. */
  async function pick(type: string, elementId?: string): Promise<number> {
    const selector = `#timeline tr[data-type="${type}"]${elementId ? `[data-element="${elementId}"]` : ''}`;
    const row = page.locator(selector).first();
    const seq = Number(await row.getAttribute('data-seq'));
    await row.click();
    await page.waitForFunction((n) => document.body.dataset['step'] === String(n), seq);
    return seq;
  }

  it('replays the escalation on the diagram: L2 active and owned, L1 active again a step back', async () => {
    // when the auditor opens the replay
    await page.goto(`${b.baseUrl}/replay/${ticket.id}`);
    await page.waitForSelector('body[data-ready]', { timeout: 20_000 });
    // then the chain is verified and the last step is shown: the instance completed
    expect(await page.textContent('#verify-badge')).to.equal('Verified');
    expect(await page.getAttribute('#verify-badge', 'data-state')).to.equal('verified');
    const events = await page.locator('#timeline tr').count();
    expect(await step()).to.equal(events);
    expect(await page.textContent('#position')).to.contain('completed');
    expect(await marked('EndEvent_resolved', 'replay-completed')).to.equal(true);

    // when it steps to the escalation
    const escalation = await pick('task.escalated');
    // then the token is on the L2 task, not on L1
    expect(await marked('Task_L2', 'replay-active')).to.equal(true);
    expect(await marked('Task_L1', 'replay-active')).to.equal(false);
    expect(await page.textContent('.replay-token[data-element="Task_L2"]')).to.equal('1');

    // when it steps on to lena's claim: the L2 task shows its owner
    await pick('task.claimed');
    expect(await marked('Task_L2', 'replay-active')).to.equal(true);
    expect(await page.getAttribute('[data-owner-of="Task_L2"]', 'data-kind')).to.equal('owner');
    expect(await page.textContent('[data-owner-of="Task_L2"]')).to.contain('lena');
    await savePicture();

    // when it goes back to the escalation and one step further back with the keyboard
    await pick('task.escalated');
    await page.keyboard.press('ArrowLeft');
    expect(await step()).to.equal(escalation - 1);
    // and back to the moment the 20 h timer fired
    await pick('timer.fired', 'Timer_L1_escalate');
    // then L1 is active again, its timers pending until that moment, L2 not yet reached
    expect(await marked('Task_L1', 'replay-active')).to.equal(true);
    expect(await marked('Task_L2', 'replay-active')).to.equal(false);
    expect(await page.textContent('[data-owner-of="Task_L1"]')).to.contain('queue l1');
    expect(await page.locator('[data-panel="replay-timers"] tr[data-element="Timer_L1_escalate"]').count()).to.equal(0);
    await page.click('#back');
    expect(await page.locator('[data-panel="replay-timers"] tr[data-element="Timer_L1_escalate"]').count()).to.equal(1);
    expect(await marked('Timer_L1_escalate', 'replay-timer')).to.equal(true);
    // and the variables say what first line decided; the step that set it marks it added
    expect(await page.textContent('[data-panel="replay-variables"] tr[data-variable="resolved"]')).to.contain('false');
    await pick('variables.changed');
    expect(await page.getAttribute('[data-panel="replay-variables"] tr[data-variable="ticketNumber"]', 'data-change')).to.equal('added');
    expect(b.pageErrors).to.deep.equal([]);
  });

  it('plays, pauses, jumps to a time and links the exports', async () => {
    // given the replay at its first step
    await page.click('#first');
    expect(await step()).to.equal(0);
    // when Play runs for a while and is paused
    await page.click('#play');
    await page.waitForFunction(() => Number(document.body.dataset['step']) >= 2, undefined, { timeout: 5_000 });
    await page.click('#play');
    expect(await page.getAttribute('body', 'data-playing')).to.equal('false');
    const paused = await step();
    await page.waitForTimeout(900);
    // then it moved forward and stopped moving
    expect(await step()).to.equal(paused);
    // when it jumps to a time after the end, then before the start
    await page.fill('#jump-time', '2100-01-01T00:00:00');
    await page.click('#jump');
    expect(await step()).to.equal(await page.locator('#timeline tr').count());
    await page.fill('#jump-time', '2000-01-01T00:00:00');
    await page.click('#jump');
    expect(await step()).to.equal(0);
    expect(await page.textContent('#position')).to.contain('Before the first event');
    // and the exports download the trail for the auditor
    const csv = await b.context.request.get(`${b.baseUrl}${await page.getAttribute('#export-csv', 'href')}`);
    expect(csv.status()).to.equal(200);
    expect(csv.headers()['content-type']).to.contain('text/csv');
    const json = await b.context.request.get(`${b.baseUrl}${await page.getAttribute('#export-json', 'href')}`);
    expect(((await json.json()) as unknown[]).length).to.equal(await page.locator('#timeline tr').count());
  });

  it('finds the ticket in the audit search and follows the link to its replay', async () => {
    await page.goto(`${b.baseUrl}/`);
    await page.click('a[href="/audit"]');
    await page.waitForSelector('body[data-ready]');
    await page.fill('input[name="ticket"]', ticket.ticketNumber);
    await page.selectOption('select[name="status"]', 'completed');
    await page.click('#search-button');
    await page.waitForSelector(`a[data-instance="${ticket.id}"]`);
    expect(await page.locator('#results tbody tr').count()).to.equal(1);
    expect(new URL(page.url()).searchParams.get('ticket')).to.equal(ticket.ticketNumber);
    await page.click(`a[data-instance="${ticket.id}"]`);
    await page.waitForURL(new RegExp(`/replay/${ticket.id}`));
    await page.waitForSelector('body[data-ready]', { timeout: 20_000 });
    expect(await page.textContent('#title')).to.contain(ticket.ticketNumber);
  });

  it('tells staff the audit search and replay are not for them', async () => {
    const context = await page.context().browser()!.newContext();
    try {
      await signInContext(context, b.baseUrl, { username: 'lena', password: TEST_PASSWORD });
      const staffPage = await context.newPage();
      await staffPage.goto(`${b.baseUrl}/audit`);
      await staffPage.waitForSelector('#message.error');
      expect(await staffPage.textContent('#message')).to.match(/^Not allowed/);
      expect(await staffPage.isHidden('#results')).to.equal(true);
      // and the replay of a ticket is not for them either
      await staffPage.goto(`${b.baseUrl}/replay/${ticket.id}`);
      await staffPage.waitForSelector('#error:not([hidden])');
      expect(await staffPage.textContent('#error')).to.match(/^Not allowed/);
    } finally {
      await context.close();
    }
  });

  it('says "Altered" and names the event after one stored event is edited in SQLite', async () => {
    // given one stored event's data changed behind Baton's back
    const db = (b.baton.store as unknown as { db: Database }).db;
    const { seq } = db.prepare<[string], { seq: number }>("SELECT seq FROM audit_events WHERE instance_id = ? AND type = 'task.completed' ORDER BY seq LIMIT 1").get(ticket.id)!;
    db.prepare('UPDATE audit_events SET data = ? WHERE instance_id = ? AND seq = ?').run(JSON.stringify({ output: { resolved: true } }), ticket.id, seq);
    // when the replay is reloaded
    await page.goto(`${b.baseUrl}/replay/${ticket.id}`);
    await page.waitForSelector('body[data-ready]', { timeout: 20_000 });
    // then the badge says altered and names that event, which the timeline marks
    expect(await page.getAttribute('#verify-badge', 'data-state')).to.equal('altered');
    const badge = (await page.textContent('#verify-badge')) ?? '';
    expect(badge).to.match(/^Altered: /);
    expect(badge).to.contain(`at event ${seq}`);
    expect(await page.getAttribute(`#timeline tr[data-seq="${seq}"]`, 'class')).to.contain('altered');
  });

  async function savePicture(): Promise<void> {
    // BATON_SCREENSHOT=docs/replay.png refreshes the README's picture (another file name is another test's).
    const file = process.env['BATON_SCREENSHOT'];
    if (!file || path.basename(file) !== 'replay.png') return;
    // Closer than fit-viewport, on first line, L1 and L2, so the owners can be read.
    await page.evaluate(() => {
      const viewer = window.batonReplay;
      const shapes = ['StartEvent_request_received', 'Task_L1', 'Task_L2', 'EndEvent_L2_owner_warned'].map((id) => viewer.get('elementRegistry').get(id));
      const x = Math.min(...shapes.map((s) => s.x)) - 40;
      const y = Math.min(...shapes.map((s) => s.y)) - 50;
      const right = Math.max(...shapes.map((s) => s.x + s.width)) + 40;
      const bottom = Math.max(...shapes.map((s) => s.y + s.height)) + 50;
      viewer.get('canvas').viewbox({ x, y, width: right - x, height: bottom - y });
    });
    await page.screenshot({ path: file });
  }
});

async function ok(response: Promise<{ status: number; text: string }>): Promise<void> {
  const res = await response;
  expect(res.status, res.text).to.be.lessThan(300);
}

/** page.evaluate callbacks run in the page, where this exists (the test program has no DOM lib). */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- the page's global, typed by the page, not by this Node test (no DOM lib)
declare const document: any;
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- the page's global, typed by the page, not by this Node test (no DOM lib)
declare const window: any;
