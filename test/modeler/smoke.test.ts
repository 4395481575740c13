import { expect } from 'chai';

import { skipWithoutChromium, startBrowserBaton, type BrowserBaton } from '../support/browser.js';

/** page.evaluate callbacks run in the page, where these exist (the test program has no DOM lib). */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- the page's global, typed by the page, not by this Node test (no DOM lib)
declare const window: any;

describe('browser app (Chromium)', function () {
  let b: BrowserBaton;

  before(async function () {
    skipWithoutChromium(this);
    b = await startBrowserBaton();
  });

  after(async () => {
    await b?.close();
  });

  it('/modeler renders a shipped process on the bpmn-js canvas', async () => {
    // given Baton with the shipped processes deployed
    // when the modeler opens
    await b.page.goto(`${b.baseUrl}/modeler`);
    // then a diagram is drawn: shapes and connections of a shipped process
    await b.page.waitForSelector('[data-diagram]', { timeout: 15_000 });
    const shapes = await b.page.locator('.djs-container .djs-shape').count();
    const connections = await b.page.locator('.djs-container .djs-connection').count();
    expect(shapes).to.be.greaterThan(3);
    expect(connections).to.be.greaterThan(2);
    expect(b.pageErrors).to.deep.equal([]);
  });

  it('saves a screenshot of the modeler when BATON_SCREENSHOT names a file (docs/modeler.png)', async function () {
    const file = process.env['BATON_SCREENSHOT'];
    if (!file) this.skip();
    await b.page.goto(`${b.baseUrl}/modeler?key=helpdesk-escalation`);
    await b.page.waitForSelector('body[data-ready]', { timeout: 15_000 });
    await b.page.evaluate(() => {
      const modeler = window.batonModeler;
      modeler.get('selection').select(modeler.get('elementRegistry').get('Task_L1'));
    });
    await b.page.locator('.bio-properties-panel-group-header', { hasText: /^Baton$/ }).click();
    await b.page.waitForSelector('[data-entry-id="baton-sla"]');
    await b.page.screenshot({ path: file });
  });
});
