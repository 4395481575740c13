import { expect } from 'chai';

import { skipWithoutChromium, signInContext, startBrowserBaton, type BrowserBaton } from '../support/browser.js';
import { TEST_PASSWORD, addUser } from '../support/harness.js';

/** The inbox's "Waiting on customer" action in Chromium: a reason is required, the SLA stops, and starts again. */
describe('inbox: waiting on the customer (Chromium)', function () {
  let b: BrowserBaton;

  before(async function () {
    skipWithoutChromium(this);
    b = await startBrowserBaton({ signInAs: null });
    await addUser(b.baton, 'ada', 'staff', ['first-line']);
    await signInContext(b.context, b.baseUrl, { username: 'ada', password: TEST_PASSWORD });
  });

  after(async () => {
    await b?.close();
  });

  it('stops the SLA clock with a reason and starts it again, audited', async () => {
    // given a help-desk ticket at first line, escalated to L1 so that it has an SLA
    const started = await b.http.request('POST', '/api/instances', { processKey: 'helpdesk-escalation', variables: { customerEmail: 'eva@example.com' } });
    const { id, ticketNumber, openTasks } = started.body as { id: string; ticketNumber: string; openTasks: { id: string }[] };
    const page = b.page;
    await page.goto(`${b.baseUrl}/inbox`);
    await page.waitForSelector('#connection[data-state="live"]', { timeout: 10_000 });
    await page.locator(`[data-ticket="${ticketNumber}"] .open-task`).first().click();
    await page.waitForSelector(`#detail[data-task-id="${openTasks[0]!.id}"] #wait-on-customer`);
    // when Ada asks for the waiting without a reason, then the page asks for one
    await page.click('#wait-on-customer button[type="submit"]');
    expect(await page.textContent('#wait-on-customer .error')).to.match(/asked for/);
    // when she gives one
    await page.fill('#wait-reason', 'Asked for the error message');
    await page.click('#wait-on-customer button[type="submit"]');
    await page.waitForFunction(() => document.querySelector('#status')?.textContent?.includes('SLA paused'));
    // and then the customer answered
    await page.click('#resume-sla button[type="submit"]');
    await page.waitForFunction(() => document.querySelector('#status')?.textContent?.includes('SLA running again'));
    // then the trail has both, by Ada, with her reason
    const trail = (await b.http.request('GET', `/api/instances/${id}/audit`)).body as { type: string; actor: string; data: Record<string, unknown> }[];
    const paused = trail.find((event) => event.type === 'sla.paused');
    expect(paused).to.deep.include({ actor: 'ada' });
    expect(paused?.data).to.include({ reason: 'Asked for the error message' });
    expect(trail.some((event) => event.type === 'sla.resumed' && event.actor === 'ada')).to.equal(true);
    expect(b.pageErrors).to.deep.equal([]);
  });
});

/** The page's DOM as the functions run in Chromium see it (the tests' tsconfig has no DOM lib). */
declare const document: { querySelector(selector: string): { textContent: string | null } | null };
