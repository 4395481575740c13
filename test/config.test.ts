import { expect } from 'chai';

import { loadConfig } from '../server/config.js';
import { InvalidInputError } from '../server/errors.js';

describe('config: the demo password', () => {
  it('is refused over 72 bytes, as sign-in would refuse it', () => {
    // 36 two-byte characters: 72 bytes is fine, one more character is not.
    expect(loadConfig({ BATON_DEMO_PASSWORD: 'é'.repeat(36) }).demo.password).to.equal('é'.repeat(36));
    expect(() => loadConfig({ BATON_DEMO_PASSWORD: 'é'.repeat(37) }))
      .to.throw(InvalidInputError)
      .with.property('message')
      .that.matches(/BATON_DEMO_PASSWORD: at most 72 bytes/);
  });

  it('is refused under 10 characters, and blank means none', () => {
    expect(() => loadConfig({ BATON_DEMO_PASSWORD: 'short' })).to.throw(/BATON_DEMO_PASSWORD: at least 10 characters/);
    expect(loadConfig({ BATON_DEMO_PASSWORD: '   ' }).demo.password).to.equal(null);
  });
});

describe('config: the database', () => {
  it('is the SQLite file in the data directory unless BATON_DATABASE_URL is set', () => {
    const config = loadConfig({ BATON_DATA_DIR: '/var/lib/baton' });
    expect(config.database).to.deep.equal({ kind: 'sqlite', file: '/var/lib/baton/baton.db' });
  });

  it('is PostgreSQL with BATON_DATABASE_URL, with its pool size and schema', () => {
    const config = loadConfig({ BATON_DATABASE_URL: 'postgres://baton:secret@db.internal:5432/baton', BATON_DATABASE_POOL: '20', BATON_DATABASE_SCHEMA: 'baton' });
    expect(config.database).to.deep.equal({ kind: 'postgres', url: 'postgres://baton:secret@db.internal:5432/baton', poolSize: 20, schema: 'baton' });
    expect(loadConfig({ BATON_DATABASE_URL: 'postgresql://db/baton' }).database).to.include({ kind: 'postgres', poolSize: 10, schema: 'public' });
  });

  it('refuses a URL that is not PostgreSQL without echoing it (it carries the password), and a bad schema name', () => {
    expect(() => loadConfig({ BATON_DATABASE_URL: 'mysql://root:hunter2@db/baton' }))
      .to.throw(InvalidInputError)
      .with.property('message')
      .that.matches(/BATON_DATABASE_URL: must be a postgres:\/\/ or postgresql:\/\/ URL/)
      .and.not.contains('hunter2');
    expect(() => loadConfig({ BATON_DATABASE_URL: 'postgres://db/baton', BATON_DATABASE_SCHEMA: 'Robert"; DROP' })).to.throw(/BATON_DATABASE_SCHEMA: must be a plain lower-case SQL name/);
  });
});

describe('config: resident engines', () => {
  it('keeps 100 engines in 64 MB by default, none with 0, and refuses a negative count', () => {
    expect(loadConfig({}).residentEngines).to.deep.equal({ maxEngines: 100, maxBytes: 64 * 1024 * 1024 });
    expect(loadConfig({ BATON_RESIDENT_ENGINES: '0', BATON_RESIDENT_MB: '8' }).residentEngines).to.deep.equal({ maxEngines: 0, maxBytes: 8 * 1024 * 1024 });
    expect(() => loadConfig({ BATON_RESIDENT_ENGINES: '-1' })).to.throw(InvalidInputError, /BATON_RESIDENT_ENGINES/);
  });
});
