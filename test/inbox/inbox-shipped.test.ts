import { expect } from 'chai';
import type { Page } from 'playwright-core';

import { addUser, TEST_PASSWORD } from '../support/harness.js';
import { signInContext, skipWithoutChromium, startBrowserBaton, type BrowserBaton } from '../support/browser.js';

/**
 * What a newcomer does after `npm start`: a help-desk ticket of the shipped process, worked in the
 * inbox by first line with the real form the diagram carries, ends without an incident.
 */
describe('inbox with the shipped help-desk process (Chromium)', function () {
  let b: BrowserBaton;
  let fiona: Page;

  before(async function () {
    skipWithoutChromium(this);
    b = await startBrowserBaton({ signInAs: null });
    await addUser(b.baton, 'fiona', 'staff', ['first-line']);
    await signInContext(b.context, b.baseUrl, { username: 'fiona', password: TEST_PASSWORD });
    fiona = b.page;
    await fiona.goto(`${b.baseUrl}/inbox`);
    await fiona.waitForSelector('#connection[data-state="live"]', { timeout: 10_000 });
  });

  after(async () => {
    await b?.close();
  });

  it('completes a ticket by filling in the first-line form; the instance ends without an incident', async () => {
    // given a new help-desk ticket in fiona's queue
    const started = await b.http.request('POST', '/api/instances', { processKey: 'helpdesk-escalation', variables: { customerEmail: 'eva@example.com' } });
    expect(started.status, started.text).to.equal(201);
    const { id, ticketNumber } = started.body as { id: string; ticketNumber: string };
    const row = (list: 'mine' | 'queue') => fiona.locator(`#${list} [data-ticket="${ticketNumber}"]`);
    await row('queue').waitFor({ timeout: 5_000 });
    // when she claims and opens it, the diagram's form is shown
    await row('queue')
      .getByRole('button', { name: `Claim ${ticketNumber}` })
      .click();
    await row('mine').locator('.open-task').click();
    await fiona.waitForSelector('#detail .fjs-form');
    // when she completes it without saying whether it is solved, form-js stops it and nothing is sent
    await fiona.click('#complete');
    await fiona.waitForSelector('#completion-error:not([hidden])');
    expect((await b.http.request('GET', `/api/instances/${id}`)).body).to.deep.include({ status: 'running' });
    // when she answers the form and completes it
    await fiona.getByRole('radio', { name: 'Yes, solved: tell the customer' }).check();
    await fiona.getByLabel('What did you find, and what did you do?').fill('Reset the password; she can sign in again');
    await fiona.click('#complete');
    // then the task leaves her inbox and the ticket is resolved, the customer told, no incident
    await row('mine').waitFor({ state: 'detached' });
    const instance = (await b.http.request('GET', `/api/instances/${id}`)).body as {
      status: string;
      variables: Record<string, unknown>;
      incidents: unknown[];
    };
    expect(instance.status).to.equal('completed');
    expect(instance.incidents).to.deep.equal([]);
    expect(instance.variables).to.include({ resolved: true, resolution: 'Reset the password; she can sign in again' });
    expect(b.pageErrors).to.deep.equal([]);
  });
});
