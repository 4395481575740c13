import path from 'node:path';

import { expect } from 'chai';

import { loadConfig } from '../../server/config.js';
import { parseTrustProxy } from '../../server/http/trust-proxy.js';
import { addUser, TEST_PASSWORD, type TestBaton } from '../support/harness.js';
import type { Http } from '../support/http.js';
import { useTestServer } from '../support/test-server.js';

describe('behind a TLS proxy (BATON_TRUST_PROXY)', () => {
  describe('the setting', () => {
    it('takes a number of proxies or their addresses and subnets; anything else stops start-up naming it', () => {
      expect(parseTrustProxy(undefined)).to.equal(false);
      expect(parseTrustProxy('')).to.equal(false);
      expect(parseTrustProxy('0')).to.equal(false);
      expect(parseTrustProxy('1')).to.equal(1);
      expect(parseTrustProxy('loopback, 10.0.0.0/8, 2001:db8::/32, 192.0.2.7')).to.deep.equal(['loopback', '10.0.0.0/8', '2001:db8::/32', '192.0.2.7']);
      for (const bad of ['yes please', '10.0.0.0/33', '300.1.1.1', 'loopback,,evil', '1/2/3', '-1']) expect(parseTrustProxy(bad), bad).to.equal(null);
      expect(loadConfig({ BATON_TRUST_PROXY: '2' }).trustProxy).to.equal(2);
      expect(loadConfig({}).trustProxy).to.equal(false);
      expect(() => loadConfig({ BATON_TRUST_PROXY: 'everyone' })).to.throw(/BATON_TRUST_PROXY/);
    });
  });

  for (const trusted of [true, false]) {
    describe(trusted ? 'with the proxy trusted' : 'without it (the default)', () => {
      const server = useTestServer(trusted ? { config: { trustProxy: ['loopback'] } } : {});
      let baton: TestBaton;
      let http: Http;

      beforeEach(async () => {
        baton = server.baton;
        http = server.http;
        await addUser(baton, 'ada', 'staff', ['l1']);
      });

      const from = (client: string) => ({ 'x-forwarded-for': client, 'x-forwarded-proto': 'https' });

      it(trusted ? 'limits failed sign-ins per client address, and sets Secure cookies' : 'ignores forwarded addresses (one limit for the proxy) and sets no Secure flag over http', async () => {
        // given five failed sign-ins of ada from one client behind the proxy
        for (let i = 0; i < 5; i++) {
          expect((await http.anonymous.request('POST', '/api/auth/login', { username: 'ada', password: 'wrong-password' }, from('203.0.113.5'))).status).to.equal(401);
        }
        expect((await http.anonymous.request('POST', '/api/auth/login', { username: 'ada', password: 'wrong-password' }, from('203.0.113.5'))).status).to.equal(429);
        // when ada signs in from another client
        const other = await http.anonymous.request('POST', '/api/auth/login', { username: 'ada', password: TEST_PASSWORD }, from('198.51.100.9'));
        if (trusted) {
          // then that client is not blocked, and the session cookie is Secure
          expect(other.status, other.text).to.equal(200);
          expect(other.headers.get('set-cookie')).to.match(/baton_session=[^;]+;.*Secure/);
        } else {
          // then every client is the proxy: blocked as well
          expect(other.status).to.equal(429);
          const direct = await http.anonymous.request('POST', '/api/auth/token', { username: 'ada', password: TEST_PASSWORD });
          expect(direct.status).to.equal(429);
        }
      });

      it(trusted ? 'limits public requests per client address' : 'limits public requests per connection address', async () => {
        expect((await baton.deployDirectory(path.resolve('processes'))).filter((result) => result.error)).to.deep.equal([]);
        const post = (client: string) => http.anonymous.request('POST', '/api/public/processes/field-service/requests', {}, from(client));
        for (let i = 0; i < 10; i++) expect((await post('203.0.113.5')).status).to.equal(400);
        expect((await post('203.0.113.5')).status).to.equal(429);
        expect((await post('198.51.100.9')).status).to.equal(trusted ? 400 : 429);
      });

      if (!trusted) {
        it('sets session cookies without Secure over plain http', async () => {
          const res = await http.anonymous.request('POST', '/api/auth/login', { username: 'ada', password: TEST_PASSWORD }, from('203.0.113.5'));
          expect(res.status).to.equal(200);
          expect(res.headers.get('set-cookie')).to.not.match(/Secure/);
        });
      }
    });
  }
});
