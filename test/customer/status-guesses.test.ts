import { expect } from 'chai';

import { TOO_MANY_GUESSES } from '../../server/customer/status-guesses.js';
import { newStatusToken } from '../../server/customer/status-token.js';
import { useTestServer } from '../support/test-server.js';

describe('Status link guesses are throttled per address, with one uniform 404', () => {
  const server = useTestServer();

  it('answers the same 404 to every unknown link, then 429 with Retry-After on the API and the page; the block ends', async () => {
    const client = server.http.anonymous;
    // when 20 made-up links are tried from one address
    const bodies = new Set<string>();
    for (let i = 0; i < 20; i++) {
      const res = await client.request('GET', `/api/public/status/${newStatusToken()}`);
      expect(res.status).to.equal(404);
      bodies.add(res.text);
    }
    // then every miss looked alike
    expect(bodies.size).to.equal(1);
    // and the next try waits, on the API and on the page, told why and how long
    const api = await client.request('GET', `/api/public/status/${newStatusToken()}`);
    expect(api.status).to.equal(429);
    expect(Number(api.headers.get('retry-after'))).to.be.above(0);
    expect((api.body as { error: { message: string } }).error.message).to.equal(TOO_MANY_GUESSES);
    const page = await client.request('GET', `/status/${newStatusToken()}`);
    expect(page.status).to.equal(429);
    expect(page.text).to.contain('Too many status links');
    // in the reader's language
    const russian = await client.request('GET', `/status/${newStatusToken()}`, undefined, { 'accept-language': 'ru' });
    expect(russian.status).to.equal(429);
    expect(russian.text).to.contain('слишком много');
    // when the block has passed, links are looked up again
    server.baton.clock.advance(11 * 60_000);
    expect((await client.request('GET', `/api/public/status/${newStatusToken()}`)).status).to.equal(404);
  });
});
