import { expect } from 'chai';

import { buildWeb, isBuildCurrent } from '../../modeler/build.js';
import { BROWSER_PAGES } from '../../server/http/browser-pages.js';
import type { Http } from '../support/http.js';
import { useTestServer } from '../support/test-server.js';

describe('browser app pages over HTTP', () => {
  const server = useTestServer({ scope: 'all' });
  let http: Http;

  before(async function () {
    this.timeout(60_000);
    if (!isBuildCurrent()) await buildWeb();
    http = server.http;
  });

  it('serves every page at its path, with its bundle', async () => {
    for (const { path, page } of BROWSER_PAGES) {
      const response = await http.request('GET', path.replace(/:\w+/g, 'x'));
      expect(response.status, path).to.equal(200);
      expect(response.text).to.contain(`/web/${page}/main.js`);
      expect((await http.request('GET', `/web/${page}/main.js`)).status).to.equal(200);
      expect((await http.request('GET', `/web/${page}/main.css`)).status).to.equal(200);
    }
  });

  it('serves the start page at / and 404s a bundle that is not there', async () => {
    const home = (await http.request('GET', '/')).text;
    expect(home).to.contain('href="/modeler"');
    expect(home).to.contain('href="/inbox"');
    expect((await http.request('GET', '/web/nope.js')).status).to.equal(404);
  });
});
