import { readFileSync } from 'node:fs';

import { expect } from 'chai';
import type { Page } from 'playwright-core';

import { addUser, TEST_PASSWORD } from '../support/harness.js';
import { signInContext, skipWithoutChromium, startBrowserBaton, type BrowserBaton } from '../support/browser.js';

const CALL_CUSTOMER = readFileSync(new URL('../fixtures/camunda7/call-customer.bpmn', import.meta.url), 'utf8');

/** The inbox offers the BPMN errors the diagram catches on a task, and ends the task with one. */
describe('inbox: ending a task with a BPMN error (Chromium)', function () {
  let b: BrowserBaton;
  let fiona: Page;

  before(async function () {
    skipWithoutChromium(this);
    b = await startBrowserBaton({ signInAs: null });
    await b.baton.definitions.deploy(CALL_CUSTOMER);
    await addUser(b.baton, 'fiona', 'staff', ['first-line']);
    await signInContext(b.context, b.baseUrl, { username: 'fiona', password: TEST_PASSWORD });
    fiona = b.page;
    await fiona.goto(`${b.baseUrl}/inbox`);
    await fiona.waitForSelector('#connection[data-state="live"]', { timeout: 10_000 });
  });

  after(async () => {
    await b?.close();
  });

  it('refuses without a reason, then ends the call with CUSTOMER_UNREACHABLE and the letter task follows', async () => {
    const started = await b.http.request('POST', '/api/instances', { processKey: 'callCustomer', variables: {} });
    const { id, ticketNumber } = started.body as { id: string; ticketNumber: string };
    const row = (list: 'mine' | 'queue') => fiona.locator(`#${list} [data-ticket="${ticketNumber}"]`);
    await row('queue').waitFor({ timeout: 5_000 });
    await row('queue')
      .getByRole('button', { name: `Claim ${ticketNumber}` })
      .click();
    await row('mine').locator('.open-task').click();
    // the form lists the code the diagram catches
    await fiona.waitForSelector('#bpmn-error select option', { state: 'attached' });
    expect(await fiona.locator('#bpmn-error select option').allTextContents()).to.deep.equal(['Customer unreachable (CUSTOMER_UNREACHABLE)']);
    // without a reason nothing is sent
    await fiona.locator('#bpmn-error button[type="submit"]').click();
    await fiona.waitForSelector('#bpmn-error .error:not([hidden])');
    expect(((await b.http.request('GET', `/api/tasks?instanceId=${id}&status=open`)).body as { elementId: string }[]).map((t) => t.elementId)).to.deep.equal(['Task_Call']);
    // with one, the call ends and the letter task opens
    await fiona.locator('#bpmn-error textarea').fill('No answer three times');
    await fiona.locator('#bpmn-error button[type="submit"]').click();
    // the call leaves her list; the letter task arrives in the department queue
    await row('mine').waitFor({ state: 'detached', timeout: 5_000 });
    await row('queue').waitFor({ timeout: 5_000 });
    const open = (await b.http.request('GET', `/api/tasks?instanceId=${id}&status=open`)).body as { elementId: string }[];
    expect(open.map((t) => t.elementId)).to.deep.equal(['Task_Letter']);
    expect(b.pageErrors).to.deep.equal([]);
  });
});
