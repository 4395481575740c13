import { expect } from 'chai';
import type { Database } from 'better-sqlite3';

import { storeFaultOf } from '../../server/stores/store-faults.js';
import { userTaskProcess } from '../support/harness.js';
import { useTestServer } from '../support/test-server.js';

interface ErrorBody {
  error: { code: string; message: string };
}

describe('Store faults: a full disk is a 503 the client can retry, and /health says so (hole 6)', () => {
  const server = useTestServer({ deploy: [userTaskProcess('guarded')] });

  function db(): Database {
    return (server.baton.store as unknown as { db: Database }).db;
  }

  /** The database may not grow past the pages it has: SQLite answers SQLITE_FULL, as on a full disk. */
  function fillDisk(): void {
    const pages = db().pragma('page_count', { simple: true }) as number;
    db().pragma(`max_page_count = ${pages}`);
  }

  function freeDisk(): void {
    db().pragma('max_page_count = 1073741823');
  }

  async function startMany(count: number) {
    const answers = [];
    for (let index = 0; index < count; index++) {
      answers.push(await server.http.request('POST', '/api/instances', { processKey: 'guarded', variables: { note: 'x'.repeat(20_000) } }));
    }
    return answers;
  }

  it('answers 503 STORE_UNAVAILABLE with Retry-After, reports it in /health, and recovers', async () => {
    // given a working server (the admin's token is taken before the disk fills)
    expect((await server.http.request('GET', '/health')).status).to.equal(200);
    await server.http.token();
    // when the disk is full
    fillDisk();
    const answers = await startMany(5);
    const refused = answers.filter((res) => res.status !== 201);
    // then every write that could not be saved is a 503 with Retry-After, never a 500
    expect(refused.length).to.be.at.least(1);
    for (const res of refused) {
      expect(res.status).to.equal(503);
      expect((res.body as ErrorBody).error.code).to.equal('STORE_UNAVAILABLE');
      expect((res.body as ErrorBody).error.message).to.match(/full/);
      expect(Number(res.headers.get('retry-after'))).to.be.above(0);
    }
    // and /health is not ok while it lasts
    const health = await server.http.anonymous.request('GET', '/health');
    expect(health.status).to.equal(503);
    expect(health.body).to.deep.include({ status: 'unavailable' });
    expect((health.body as { problems: string[] }).problems.join(' ')).to.match(/full/);
    // when space is back and the episode has passed without a failing write
    freeDisk();
    server.baton.clock.advance(31_000);
    // then /health is ok and writes work again
    expect((await server.http.anonymous.request('GET', '/health')).body).to.deep.include({ status: 'ok' });
    expect((await startMany(1))[0]!.status).to.equal(201);
  });

  it('classifies store faults by code, and leaves other errors alone', () => {
    const withCode = (code: string) => Object.assign(new Error('x'), { code });
    expect(storeFaultOf(withCode('SQLITE_FULL'))).to.match(/full/);
    expect(storeFaultOf(withCode('SQLITE_IOERR_WRITE'))).to.match(/disk/);
    expect(storeFaultOf(withCode('53100'))).to.match(/full/);
    expect(storeFaultOf(withCode('SQLITE_CONSTRAINT_UNIQUE'))).to.equal(null);
    expect(storeFaultOf(new Error('plain'))).to.equal(null);
  });
});
