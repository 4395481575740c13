import { expect } from 'chai';

import type { InstanceSummary } from '../../server/instances/instance.service.js';
import { userTaskProcess, type TestBaton } from '../support/harness.js';
import type { Http } from '../support/http.js';
import { useTestServer } from '../support/test-server.js';

describe('Auditor instance search over HTTP', () => {
  const server = useTestServer({ scope: 'all' });
  let baton: TestBaton;
  let http: Http;
  const ids: Record<string, string> = {};
  const tickets: Record<string, string> = {};

  before(async () => {
    baton = server.baton;
    http = server.http;
    await baton.definitions.deploy(userTaskProcess('complaint'));
    await baton.definitions.deploy(userTaskProcess('refund'));
    baton.clock.set(new Date('2026-03-02T09:00:00.000Z'));
    for (const [name, processKey] of [
      ['a', 'complaint'],
      ['b', 'refund'],
      ['c', 'complaint'],
    ] as const) {
      const { instance, opened } = await baton.instances.start({ processKey, variables: {}, businessKey: null }, 'api');
      ids[name] = instance.id;
      tickets[name] = instance.ticketNumber;
      if (name === 'b') await baton.tasks.complete(opened[0]!.id, {}, 'ada');
      baton.clock.advance(24 * 3600_000);
    }
  });

  async function search(query: string): Promise<string[]> {
    const res = await http.request('GET', `/api/instances?${query}`);
    expect(res.status, query).to.equal(200);
    return (res.body as InstanceSummary[]).map((instance) => instance.id);
  }

  it('finds by ticket, process, date range, status and person, combined', async () => {
    expect(await search(`ticket=${tickets['b']}`)).to.deep.equal([ids['b']]);
    expect(await search('process=complaint')).to.deep.equal([ids['c'], ids['a']]);
    expect(await search('from=2026-03-03&to=2026-03-04')).to.deep.equal([ids['b']]);
    expect(await search('from=2026-03-03T00:00:00Z')).to.deep.equal([ids['c'], ids['b']]);
    expect(await search('status=completed')).to.deep.equal([ids['b']]);
    expect(await search('person=ada')).to.deep.equal([ids['b']]);
    expect(await search('person=ada&process=complaint')).to.deep.equal([]);
    expect(await search('process=complaint&from=2026-03-02&to=2026-03-03&status=running')).to.deep.equal([ids['a']]);
  });

  it('refuses a process and processKey that disagree', async () => {
    expect((await http.request('GET', '/api/instances?process=refund&processKey=complaint')).status).to.equal(400);
  });
});
