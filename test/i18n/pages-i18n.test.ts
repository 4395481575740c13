import { expect } from 'chai';

import { TEST_ADMIN } from '../support/harness.js';
import { skipWithoutChromium, startBrowserBaton, type BrowserBaton } from '../support/browser.js';

/** Page callbacks run in the page, where these exist (the test program has no DOM lib). */
declare const document: { documentElement: { lang: string; scrollWidth: number } };

describe('pages in English and Russian (Chromium)', function () {
  let b: BrowserBaton;

  before(async function () {
    skipWithoutChromium(this);
    b = await startBrowserBaton({ signInAs: null });
  });

  after(async () => {
    await b?.close();
  });

  it('the sign-in page switches to Russian with its picker, keeps the choice, and says a wrong password in Russian', async () => {
    // given the sign-in page of an English browser
    const page = await b.newPage();
    await page.goto(`${b.baseUrl}/login`);
    await page.waitForSelector('body[data-ready="true"]');
    expect(await page.textContent('#sign-in')).to.equal('Sign in');
    // when the visitor picks Русский
    await Promise.all([page.waitForEvent('load'), page.selectOption('.language-picker', 'ru')]);
    await page.waitForSelector('body[data-ready="true"]');
    // then the page is in Russian, and stays so on the next visit (the cookie)
    expect(await page.textContent('#sign-in')).to.equal('Войти');
    expect(await page.textContent('label[for="password"]')).to.equal('Пароль');
    expect(await page.title()).to.equal('Baton · Вход');
    await page.goto(`${b.baseUrl}/login`);
    await page.waitForSelector('body[data-ready="true"]');
    expect(await page.evaluate(() => document.documentElement.lang)).to.equal('ru');
    // when a wrong password is given
    await page.fill('#username', TEST_ADMIN.username);
    await page.fill('#password', 'not-the-password');
    await page.click('#sign-in');
    // then the error is in Russian
    await page.waitForSelector('#login-error:not([hidden])');
    expect(await page.textContent('#login-error')).to.equal('Неверное имя пользователя или пароль.');
    await page.close();
    await b.context.clearCookies();
  });

  it("the public request page follows the customer browser's Accept-Language (Russian), and English otherwise", async () => {
    // given a customer whose browser asks for Russian in its requests
    const browser = b.context.browser()!;
    const russian = await browser.newContext({ viewport: { width: 400, height: 800 }, extraHTTPHeaders: { 'accept-language': 'ru-RU,ru;q=0.9,en;q=0.5' } });
    try {
      const page = await russian.newPage();
      // when they open the request link
      await page.goto(`${b.baseUrl}/request/field-service?equipmentId=PUMP-7`);
      await page.waitForSelector('body[data-ready="true"]');
      // then Baton's own texts are Russian; the process's texts are shown as drawn
      expect(await page.textContent('#send')).to.equal('Отправить заявку');
      expect(await page.evaluate(() => document.documentElement.lang)).to.equal('ru');
      expect(await page.inputValue('.language-picker')).to.equal('ru');
      expect(await page.textContent('#title')).to.equal('Report a problem with your equipment');
      // and it fits a 400 px phone (no sideways scrolling)
      expect(await page.evaluate(() => document.documentElement.scrollWidth)).to.be.at.most(400);
      // and the printable label too
      await page.goto(`${b.baseUrl}/request/field-service/label?equipmentId=PUMP-7`);
      expect(await page.textContent('main.label')).to.contain('Отсканируйте');
      // whose own switch gives the English label, the equipment kept
      await page.click('#languages a[hreflang="en"]');
      expect(await page.textContent('main.label'))
        .to.contain('Scan to report a problem')
        .and.contain('PUMP-7');
      // (the language is not part of the request link the code holds)
      expect(await page.textContent('#link')).to.equal('http://localhost:3000/request/field-service?equipmentId=PUMP-7');
    } finally {
      await russian.close();
    }
    // given an English browser, then the same page is English
    const page = await b.newPage();
    await page.goto(`${b.baseUrl}/request/field-service?equipmentId=PUMP-7`);
    await page.waitForSelector('body[data-ready="true"]');
    expect(await page.textContent('#send')).to.equal('Send request');
    await page.close();
  });

  it("the audit page, in Russian for a signed-in auditor who chose it, shows dates in the viewer's locale", async () => {
    // given an admin who chose Russian (the language cookie)
    await b.context.request.post(`${b.baseUrl}/api/auth/login`, { data: TEST_ADMIN });
    await b.context.addCookies([{ name: 'baton_lang', value: 'ru', url: b.baseUrl }]);
    const started = await b.http.request('POST', '/api/instances', { processKey: 'helpdesk-escalation', variables: { customerEmail: 'eva@example.com' } });
    expect(started.status).to.equal(201);
    const page = await b.newPage();
    // when the audit page opens
    await page.goto(`${b.baseUrl}/audit`);
    await page.waitForSelector('body[data-ready="true"]');
    // then its texts and its status words are Russian
    expect(await page.textContent('#search-button')).to.equal('Найти');
    expect(await page.textContent('#results tbody tr td:nth-child(3)')).to.equal('выполняется');
    expect(await page.textContent('#sign-out')).to.equal('Выйти');
    // and the replay of that instance too
    await page.click('#results tbody tr a');
    await page.waitForSelector('body[data-ready="true"]');
    expect(await page.textContent('#verify-badge')).to.equal('Проверено');
    expect(await page.textContent('#first')).to.equal('В начало');
    await page.close();
    await b.context.clearCookies();
  });
});
