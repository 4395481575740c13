import { expect } from 'chai';

import { PG_SCHEMA_VERSION } from '../../../server/stores/postgres/pg-schema.js';
import { oneTaskProcess, type TestBaton } from '../../support/harness.js';
import type { Http } from '../../support/http.js';
import { dropSchema, freshSchema, testDatabaseUrl } from '../../support/postgres.js';
import { startTcpProxy, throughProxy, type TcpProxy } from '../../support/tcp-proxy.js';
import { useTestServer } from '../../support/test-server.js';

/**
 * A node whose PostgreSQL goes away: it answers 503 with Retry-After (health and API alike, never
 * a 500), keeps nothing half-written, and serves again by itself once the database is back.
 */
describe('A node losing its PostgreSQL', function () {
  this.timeout(60_000);
  let proxy: TcpProxy;
  let baton: TestBaton;
  let http: Http;
  let schema: string;
  let url: URL;

  beforeEach(async () => {
    url = new URL(await testDatabaseUrl());
    proxy = await startTcpProxy(url.hostname, Number(url.port));
    schema = freshSchema('outage');
  });
  // Registered before the server's own after-hook, so the server closes through a working proxy.
  afterEach(async () => {
    await proxy.restore();
  });
  const server = useTestServer(() => ({ postgres: { url: throughProxy(url.toString(), proxy), schema }, deploy: [oneTaskProcess('ticket', 'camunda:candidateGroups="l1"')] }));

  beforeEach(() => {
    ({ baton, http } = server);
  });

  afterEach(async () => {
    await proxy.close();
    await dropSchema(schema);
  });

  it('says on /health which store and schema it runs on, and that the database answers', async () => {
    const res = await http.anonymous.request('GET', '/health');
    expect(res.status).to.equal(200);
    expect(res.body).to.deep.include({ status: 'ok', store: 'postgres', schemaVersion: PG_SCHEMA_VERSION, database: 'reachable' });
  });

  it('answers 503 with Retry-After while the database is gone, and recovers by itself', async () => {
    // given a signed-in client and a running ticket
    const token = await http.token();
    const started = await http.request('POST', '/api/instances', { processKey: 'ticket', variables: {} });
    expect(started.status).to.equal(201);
    // when the database becomes unreachable
    await proxy.cut();
    // then health and API calls answer 503 with Retry-After and the store's code, never 500
    const health = await http.anonymous.request('GET', '/health');
    expect(health.status).to.equal(503);
    expect(health.headers.get('retry-after')).to.equal('5');
    expect(health.body).to.deep.include({ status: 'unavailable', store: 'postgres', database: 'unreachable' });
    const read = await http.anonymous.request('GET', '/api/tasks', undefined, { authorization: `Bearer ${token}` });
    expect(read.status).to.equal(503);
    expect(read.headers.get('retry-after')).to.equal('5');
    expect((read.body as { error: { code: string } }).error.code).to.equal('STORE_UNAVAILABLE');
    const write = await http.request('POST', '/api/instances', { processKey: 'ticket', variables: {} });
    expect(write.status).to.equal(503);
    // when the database is back, without restarting the node
    await proxy.restore();
    // then it answers again, and what was acknowledged before is all there
    expect((await http.anonymous.request('GET', '/health')).status).to.equal(200);
    const tasks = await http.request('GET', '/api/tasks');
    expect(tasks.status).to.equal(200);
    expect(tasks.body).to.have.length(1);
    expect((await http.request('POST', '/api/instances', { processKey: 'ticket', variables: {} })).status).to.equal(201);
  });

  it('loses no acknowledged change when the database goes away under load, and the node recovers without a restart', async () => {
    // given four clients starting tickets as fast as they are answered
    await http.token();
    const acknowledged: string[] = [];
    const statuses = new Map<number, number>();
    let running = true;
    const client = async () => {
      while (running) {
        const res = await http.request('POST', '/api/instances', { processKey: 'ticket', variables: {} });
        statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
        if (res.status === 201) acknowledged.push((res.body as { id: string }).id);
        else if (res.status === 503) expect(res.headers.get('retry-after')).to.equal('5');
        else expect.fail(`unexpected ${res.status}: ${res.text}`);
      }
    };
    const clients = Array.from({ length: 4 }, client);
    await waitUntil(() => acknowledged.length >= 10);
    // when the database is unreachable for two seconds under that load
    await proxy.cut();
    const during = acknowledged.length;
    await new Promise((resolve) => setTimeout(resolve, 2000));
    await proxy.restore();
    // then the clients got 503s meanwhile, and the node serves again by itself
    await waitUntil(() => acknowledged.length >= during + 10);
    running = false;
    await Promise.all(clients);
    expect(statuses.get(503) ?? 0).to.be.greaterThan(0);
    // and every start that was acknowledged is stored, once
    for (const id of acknowledged) expect(await baton.store.instances.get(id), id).to.not.equal(null);
    expect(new Set(acknowledged).size).to.equal(acknowledged.length);
  });
});

async function waitUntil(check: () => boolean, ms = 20_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`condition not met within ${ms} ms`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
