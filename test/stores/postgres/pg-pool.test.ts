import { expect } from 'chai';

import { channelName, isUnavailable, storeError } from '../../../server/stores/postgres/pg-pool.js';
import { StoreUnavailableError } from '../../../server/errors.js';

describe('PostgreSQL pool helpers', () => {
  it("names a LISTEN channel after the schema, within PostgreSQL's 63-byte limit however long the schema name", () => {
    expect(channelName('baton_jobs', 'public')).to.equal('baton_jobs_public');
    const long = 'a'.repeat(63);
    const named = channelName('baton_jobs', long);
    expect(named.length).to.be.at.most(63);
    expect(named).to.match(/^baton_jobs_[0-9a-f]{16}$/);
    expect(channelName('baton_jobs', long)).to.equal(named);
    expect(channelName('baton_jobs', `${'a'.repeat(62)}b`)).to.not.equal(named);
    // room for what the socket.io adapter appends
    expect(channelName('baton_live', 'x'.repeat(45), 12).length + 12).to.be.at.most(63);
  });

  it('maps connection failures to STORE_UNAVAILABLE and leaves statement errors as they are', () => {
    for (const code of ['ECONNREFUSED', 'ECONNRESET', '08006', '57P01', '53300']) {
      const mapped = storeError(Object.assign(new Error(code), { code }));
      expect(mapped, code).to.be.instanceOf(StoreUnavailableError);
    }
    const unique = Object.assign(new Error('duplicate key'), { code: '23505' });
    expect(storeError(unique)).to.equal(unique);
    expect(isUnavailable(new Error('Connection terminated unexpectedly'))).to.equal(true);
    expect(isUnavailable(new Error('syntax error at or near'))).to.equal(false);
  });
});
