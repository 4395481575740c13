import { expect } from 'chai';

import type { TaskRecord } from '../../server/tasks/task.js';
import { skipWithoutChromium, signInContext, startBrowserBaton, type BrowserBaton } from '../support/browser.js';
import { TEST_PASSWORD } from '../support/harness.js';

/**
 * The technician's day on a 400 px phone: the visit with its address, on my way, arrived, the
 * checklist refused while incomplete, done. Set BATON_SCREENSHOT=docs/technician.png to refresh
 * the screenshot.
 */
describe('technician page (Chromium, 400 px)', function () {
  let b: BrowserBaton;

  before(async function () {
    skipWithoutChromium(this);
    b = await startBrowserBaton({ signInAs: null });
  });

  after(async () => {
    await b?.close();
  });

  it('a technician goes on the way, arrives, is told the checklist is incomplete, and finishes the visit', async () => {
    const { http, baton } = b;
    // given a heating technician with a home base and a boiler asset; the request dispatches to her
    expect(
      (
        await http.request('POST', '/api/users', {
          username: 'anna',
          name: 'Anna Berg',
          password: TEST_PASSWORD,
          role: 'staff',
          departments: ['technicians'],
          skills: ['heating'],
          home: { address: 'Home', lat: 52.53, lon: 13.42 },
        })
      ).status,
    ).to.equal(201);
    expect((await http.request('POST', '/api/assets', { id: 'BOILER-9', type: 'heating', address: 'Alexanderplatz 1, Berlin', lat: 52.5219, lon: 13.4132 })).status).to.equal(201);
    const started = await http.request('POST', '/api/instances', {
      processKey: 'field-service',
      variables: { equipmentId: 'BOILER-9', description: 'No hot water', customerName: 'Eva Example', customerEmail: 'eva@example.com' },
    });
    const { id, ticketNumber } = started.body as { id: string; ticketNumber: string };
    const [photo] = await baton.store.tasks.list({ instanceId: id, status: 'open' });
    await baton.tasks.complete(photo!.id, {}, 'customer');

    // when anna opens her day on a phone
    const page = await b.newPage();
    await page.setViewportSize({ width: 400, height: 800 });
    await signInContext(b.context, b.baseUrl, { username: 'anna', password: TEST_PASSWORD });
    await page.goto(`${b.baseUrl}/technician`);
    await page.waitForSelector('body[data-ready="true"]');
    const card = page.locator(`li.visit[data-ticket="${ticketNumber}"]`);
    await expect(await card.textContent())
      .to.contain('Alexanderplatz 1, Berlin')
      .and.contain('Eva Example');
    // the page fits the phone: nothing wider than the screen
    expect(await page.evaluate('document.documentElement.scrollWidth')).to.be.at.most(400);

    // on my way, then arrived
    await card.getByRole('button', { name: 'On my way' }).click();
    await page.locator(`li.visit[data-ticket="${ticketNumber}"] .state[data-state="on-the-way"]`).waitFor();
    await page.locator(`li.visit[data-ticket="${ticketNumber}"]`).getByRole('button', { name: 'Arrived' }).click();
    await page.locator(`li.visit[data-ticket="${ticketNumber}"] .state[data-state="arrived"]`).waitFor();

    // finishing without the checklist is refused by the form; with it, the visit is done
    const visitCard = page.locator(`li.visit[data-ticket="${ticketNumber}"]`);
    await visitCard.getByRole('button', { name: 'Finish the visit' }).click();
    await visitCard.getByLabel('Yes, fixed: send the invoice').check();
    await visitCard.getByRole('button', { name: `Complete ${ticketNumber}` }).click();
    await visitCard.locator('#completion-error:not([hidden])').waitFor();
    if (process.env['BATON_SCREENSHOT']) await page.screenshot({ path: process.env['BATON_SCREENSHOT'], fullPage: true });
    await visitCard.getByLabel('Checklist: safety check of the equipment done').check();
    await visitCard.getByLabel('Checklist: the customer was shown the work and the equipment runs').check();
    await visitCard.getByRole('button', { name: `Complete ${ticketNumber}` }).click();
    await page.waitForSelector(`li.visit[data-ticket="${ticketNumber}"]`, { state: 'detached' });
    expect(await page.textContent('#status')).to.equal('Visit finished');

    const instance = await baton.store.instances.get(id);
    expect(instance!.status).to.equal('completed');
    const types = (await baton.store.audit.forInstance(id)).map((event) => event.type);
    expect(types).to.include.members(['visit.on-the-way', 'visit.arrived', 'invoice.issued']);
    const tasks: TaskRecord[] = await baton.store.tasks.list({ instanceId: id });
    expect(tasks.find((task) => task.elementId === 'Task_visit_and_repair')!.completedBy).to.equal('anna');
    expect(b.pageErrors).to.deep.equal([]);
  });
});
