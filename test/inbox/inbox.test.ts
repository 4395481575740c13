import { expect } from 'chai';
import type { BrowserContext, Page } from 'playwright-core';

import { addUser, bpmn, TEST_PASSWORD } from '../support/harness.js';
import { signInContext, skipWithoutChromium, startBrowserBaton, type BrowserBaton } from '../support/browser.js';
import { formJsProcess } from '../tasks/form-js-process.js';

/** page.evaluate callbacks run in the page, where this exists (the test program has no DOM lib). */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- the page's global, typed by the page, not by this Node test (no DOM lib)
declare const window: any;
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- the page's global, typed by the page, not by this Node test (no DOM lib)
declare const document: any;

/**
 * The inbox in Chromium: ada and bob are L1 staff, lena is L2 staff. Tasks are started by the
 * admin over the API; the pages only ever learn of them live (no reload).
 */
describe('inbox page (Chromium)', function () {
  let b: BrowserBaton;
  const contexts: BrowserContext[] = [];
  let ada: Page;
  let bob: Page;
  let lena: Page;

  async function pageOf(username: string): Promise<Page> {
    const context = await b.context.browser()!.newContext({ viewport: { width: 1400, height: 860 } });
    contexts.push(context);
    await signInContext(context, b.baseUrl, { username, password: TEST_PASSWORD });
    const page = await context.newPage();
    page.on('pageerror', (err) => b.pageErrors.push(`${username}: ${err.message}`));
    await openInbox(page);
    return page;
  }

  async function openInbox(page: Page): Promise<void> {
    await page.goto(`${b.baseUrl}/inbox`);
    await page.waitForSelector('#connection[data-state="live"]', { timeout: 10_000 });
  }

  async function startCallback(): Promise<{ ticketNumber: string; taskId: string }> {
    const res = await b.http.request('POST', '/api/instances', { processKey: 'callback', variables: {} });
    expect(res.status, res.text).to.equal(201);
    const body = res.body as { ticketNumber: string; openTasks: { id: string }[] };
    return { ticketNumber: body.ticketNumber, taskId: body.openTasks[0]!.id };
  }

  const row = (page: Page, list: 'mine' | 'queue', ticket: string) => page.locator(`#${list} [data-ticket="${ticket}"]`);

  before(async function () {
    skipWithoutChromium(this);
    b = await startBrowserBaton({ deployShipped: false, signInAs: null });
    await addUser(b.baton, 'ada', 'staff', ['l1']);
    await addUser(b.baton, 'bob', 'staff', ['l1']);
    await addUser(b.baton, 'lena', 'staff', ['l2']);
    await b.baton.definitions.deploy(formJsProcess());
    await signInContext(b.context, b.baseUrl, { username: 'ada', password: TEST_PASSWORD });
    ada = b.page;
    await openInbox(ada);
  });

  after(async () => {
    for (const context of contexts) await context.close().catch(() => undefined);
    await b?.close();
  });

  it('shows a new task live, claims it, refuses an empty form, completes it and lets it leave the inbox', async () => {
    // given ada's open inbox
    // when the admin starts an instance
    const { ticketNumber, taskId } = await startCallback();
    // then the task appears in ada's queue without a reload, with its SLA in words
    await row(ada, 'queue', ticketNumber).waitFor({ timeout: 5_000 });
    expect(await row(ada, 'queue', ticketNumber).locator('.sla').textContent()).to.equal('no SLA');
    // when she claims it from the list with the keyboard, it moves to her tasks and the focus follows it
    await row(ada, 'queue', ticketNumber)
      .getByRole('button', { name: `Claim ${ticketNumber}` })
      .focus();
    await ada.keyboard.press('Enter');
    await row(ada, 'mine', ticketNumber).waitFor();
    await ada.waitForFunction((ticket) => document.activeElement?.closest('li')?.dataset.ticket === ticket, ticketNumber);
    // when she opens it with Enter
    await ada.keyboard.press('Enter');
    await ada.waitForSelector(`#detail[data-task-id="${taskId}"] .fjs-form`);
    expect(await ada.locator('#detail .facts').textContent()).to.contain('waits in the queue to be claimed');
    // when she completes it empty
    await ada.click('#complete');
    // then she is told, and nothing completed
    await ada.waitForSelector('#completion-error:not([hidden])');
    expect(await ada.textContent('#completion-error')).to.match(/fill in/i);
    expect(((await b.http.request('GET', `/api/tasks/${taskId}`)).body as { status: string }).status).to.equal('open');
    // when she fills the form in and completes it
    await ada.getByLabel('What was agreed').fill('Refund agreed');
    await ada.getByRole('checkbox', { name: 'Resolved' }).click();
    await ada.getByRole('textbox', { name: 'Why not resolved' }).waitFor({ state: 'detached' });
    await ada.click('#complete');
    // then the task leaves her inbox and is completed with her data
    await row(ada, 'mine', ticketNumber).waitFor({ state: 'detached' });
    // the panel closes once the page has the task's removal (a moment after the row goes)
    await ada.locator('#detail').waitFor({ state: 'hidden' });
    expect(await ada.isHidden('#detail')).to.equal(true);
    const task = (await b.http.request('GET', `/api/tasks/${taskId}`)).body as { status: string; completedBy: string; output: Record<string, unknown> };
    expect(task).to.include({ status: 'completed', completedBy: 'ada' });
    expect(task.output).to.include({ summary: 'Refund agreed', resolved: true });
  });

  it("tells a colleague who has the task open that it was taken; a pass-up moves it to L2's inbox", async () => {
    // given bob (L1) and lena (L2) with their inboxes open, and a new task bob opens
    bob = await pageOf('bob');
    lena = await pageOf('lena');
    const { ticketNumber, taskId } = await startCallback();
    await row(bob, 'queue', ticketNumber).locator('.open-task').click();
    await bob.waitForSelector(`#detail[data-task-id="${taskId}"]`);
    // when ada claims it
    await row(ada, 'queue', ticketNumber)
      .getByRole('button', { name: `Claim ${ticketNumber}` })
      .click();
    // then bob is told while it is open, and his list shows the owner
    await bob.waitForSelector('#task-notice:not([hidden])');
    expect(await bob.textContent('#task-notice')).to.contain('ada took this task');
    await bob.waitForSelector(`#detail[data-task-id="${taskId}"] .facts >> text=ada`);
    expect(await row(bob, 'queue', ticketNumber).locator('.owner').textContent()).to.equal('ada');
    // and lena never saw the L1 task
    expect(await row(lena, 'queue', ticketNumber).count()).to.equal(0);

    // when ada opens it and passes it up without a reason, then with one
    await row(ada, 'mine', ticketNumber).locator('.open-task').click();
    await ada.waitForSelector(`#detail[data-task-id="${taskId}"] #pass-up`);
    await ada.click('#pass-up button[type="submit"]');
    expect(await ada.textContent('#pass-up .error')).to.match(/say why/i);
    await ada.fill('#pass-up-reason', 'Needs a refund above the L1 limit');
    await ada.click('#pass-up button[type="submit"]');
    // then it leaves both L1 inboxes and arrives in lena's, unclaimed
    await row(ada, 'mine', ticketNumber).waitFor({ state: 'detached' });
    await row(bob, 'queue', ticketNumber).waitFor({ state: 'detached' });
    await row(lena, 'queue', ticketNumber).waitFor({ timeout: 5_000 });
    expect(await row(lena, 'queue', ticketNumber).locator('.owner').textContent()).to.equal('unclaimed');
    // and the owner chain says why
    await row(lena, 'queue', ticketNumber).locator('.open-task').click();
    await lena.waitForSelector('#detail .history >> text=Needs a refund above the L1 limit');
    // and Escape closes it again
    await lena.keyboard.press('Escape');
    await lena.waitForSelector('#detail', { state: 'hidden' });
  });

  it('comments on a task and hands it over to a person, who sees it arrive in their tasks', async () => {
    // given a new task bob opens
    const { ticketNumber, taskId } = await startCallback();
    await row(bob, 'queue', ticketNumber).locator('.open-task').click();
    await bob.waitForSelector(`#detail[data-task-id="${taskId}"] #hand-over`);
    // when he comments, then hands it over to ada without a reason, then with one
    await bob.fill('#comment-text', 'Customer prefers a call after 5 pm');
    await bob.click('#comment button[type="submit"]');
    await bob.waitForSelector(`#status >> text=Comment added to ${ticketNumber}`);
    await bob.fill('#hand-over-person', 'ada');
    await bob.click('#hand-over button[type="submit"]');
    expect(await bob.textContent('#hand-over .error')).to.match(/say why/i);
    await bob.fill('#hand-over-reason', 'Ada spoke to this customer yesterday');
    await bob.click('#hand-over button[type="submit"]');
    // then it is ada's, in her own list, and the log has the comment
    await row(ada, 'mine', ticketNumber).waitFor({ timeout: 5_000 });
    await row(bob, 'queue', ticketNumber).locator('.owner', { hasText: 'ada' }).waitFor();
    const audit = (await b.http.request('GET', `/api/instances/${(await b.baton.tasks.get(taskId)).instanceId}/audit`)).body as { type: string; data: { comment?: string } }[];
    expect(audit.find((event) => event.type === 'task.commented')?.data.comment).to.equal('Customer prefers a call after 5 pm');
  });

  it("shows the server's words when an action comes too late, and re-reads the task", async () => {
    // given bob with a task open whose events he does not hear (his socket closed)
    const { ticketNumber, taskId } = await startCallback();
    await row(bob, 'queue', ticketNumber).locator('.open-task').click();
    await bob.waitForSelector(`#detail[data-task-id="${taskId}"] .ownership .claim`);
    await bob.evaluate(() => window.batonInbox.socket.disconnect());
    // when ada claims it first and bob then presses Claim on what he saw
    expect((await (await b.http.as('ada')).request('POST', `/api/tasks/${taskId}/claim`, {})).status).to.equal(200);
    await bob.click('#detail .ownership .claim');
    // then bob reads why in the server's words, and the task is shown as it is now
    await bob.waitForSelector('#task-notice:not([hidden])');
    expect(await bob.textContent('#task-notice')).to.match(/changed meanwhile|claimed by ada/);
    await bob.waitForSelector('#detail .ownership >> text=Claimed by ada');
    // and, connected again, the inbox is live once more
    await bob.evaluate(() => window.batonInbox.socket.connect());
    await bob.waitForSelector('#connection[data-state="live"]');
  });

  it('reconnects by itself when the server drops the socket', async () => {
    // given bob's live inbox; when the server drops every socket
    b.http.live.inbox.disconnectSockets(true);
    // then the page notices, comes back, and still hears new tasks
    await bob.waitForSelector('#connection[data-state="live"]', { timeout: 10_000 });
    const { ticketNumber } = await startCallback();
    await row(bob, 'queue', ticketNumber).waitFor({ timeout: 5_000 });
  });

  it('shows the tasks created while it was disconnected once it is back', async () => {
    // given bob's inbox cut off from the server
    await bob.context().setOffline(true);
    b.http.live.inbox.disconnectSockets(true);
    await bob.waitForSelector('#connection[data-state="offline"]');
    // when three tasks are created meanwhile
    const tickets = [await startCallback(), await startCallback(), await startCallback()].map((started) => started.ticketNumber);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(await bob.getAttribute('#connection', 'data-state'), 'still cut off while the tasks were created').to.equal('offline');
    expect(await row(bob, 'queue', tickets[0]!).count()).to.equal(0);
    // then, back online, the inbox re-syncs and shows all three
    await bob.context().setOffline(false);
    await bob.waitForSelector('#connection[data-state="live"]', { timeout: 10_000 });
    for (const ticket of tickets) await row(bob, 'queue', ticket).waitFor({ timeout: 5_000 });
    // and search by ticket number narrows the list to one
    await bob.fill('#search', tickets[1]!.toLowerCase());
    expect(await bob.locator('#queue [data-ticket]').count()).to.equal(1);
    expect(b.pageErrors).to.deep.equal([]);
  });
});

/** Processes with SLAs for the screenshot: due and warning times from start variables. */
const SLA_PROCESS = bpmn(
  'refund',
  `<bpmn:startEvent id="start" /><bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="refundTask" />
   <bpmn:userTask id="refundTask" name="Refund a double charge" camunda:candidateGroups="l1" camunda:priority="70" />
   <bpmn:boundaryEvent id="due" attachedToRef="refundTask"><bpmn:timerEventDefinition><bpmn:timeDuration xsi:type="bpmn:tFormalExpression">\${dueIn}</bpmn:timeDuration></bpmn:timerEventDefinition></bpmn:boundaryEvent>
   <bpmn:boundaryEvent id="warn" attachedToRef="refundTask" cancelActivity="false"><bpmn:timerEventDefinition><bpmn:timeDuration xsi:type="bpmn:tFormalExpression">\${warnIn}</bpmn:timeDuration></bpmn:timerEventDefinition></bpmn:boundaryEvent>
   <bpmn:sequenceFlow id="f2" sourceRef="refundTask" targetRef="end" /><bpmn:sequenceFlow id="f3" sourceRef="due" targetRef="end" />
   <bpmn:sequenceFlow id="f4" sourceRef="warn" targetRef="warned" /><bpmn:endEvent id="warned" /><bpmn:endEvent id="end" />`,
);
const OVERDUE_PROCESS = bpmn(
  'complaint',
  `<bpmn:startEvent id="start" /><bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="answer" />
   <bpmn:userTask id="answer" name="Answer the complaint" camunda:candidateGroups="l1" camunda:dueDate="\${dueAt}" camunda:priority="50" />
   <bpmn:sequenceFlow id="f2" sourceRef="answer" targetRef="end" /><bpmn:endEvent id="end" />`,
);

describe('inbox screenshot (Chromium)', function () {
  it('saves a screenshot of the inbox when BATON_SCREENSHOT names a file (docs/inbox.png)', async function () {
    const file = process.env['BATON_SCREENSHOT'];
    if (!file) this.skip();
    skipWithoutChromium(this);
    const b = await startBrowserBaton({ deployShipped: false, signInAs: null });
    try {
      await addUser(b.baton, 'sam', 'staff', ['l1']);
      for (const xml of [formJsProcess(), SLA_PROCESS, OVERDUE_PROCESS]) await b.baton.definitions.deploy(xml);
      const start = (processKey: string, variables: Record<string, unknown> = {}) => b.baton.instances.start({ processKey, variables, businessKey: null }, 'admin');
      await start('complaint', { dueAt: new Date(Date.now() - 2 * 3_600_000 - 60_000).toISOString() });
      await start('refund', { dueIn: 'PT2H', warnIn: 'PT1S' });
      await start('refund', { dueIn: 'PT3H20M', warnIn: 'PT2H' });
      const mine = await start('callback');
      await start('callback');
      await (await b.http.as('sam')).request('POST', `/api/tasks/${mine.opened[0]!.id}/claim`, {});
      await signInContext(b.context, b.baseUrl, { username: 'sam', password: TEST_PASSWORD });
      await new Promise((resolve) => setTimeout(resolve, 1500));
      await b.page.goto(`${b.baseUrl}/inbox`);
      await b.page.waitForSelector('#connection[data-state="live"]');
      await b.page.waitForSelector('#queue [data-sla="at-risk"]', { timeout: 10_000 });
      await b.page.locator(`#mine [data-task-id="${mine.opened[0]!.id}"] .open-task`).click();
      await b.page.waitForSelector('#detail .fjs-form');
      await b.page.getByLabel('What was agreed').fill('Refund of the second charge');
      await b.page.screenshot({ path: file });
    } finally {
      await b.close();
    }
  });
});
