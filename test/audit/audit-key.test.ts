import { mkdirSync, mkdtempSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

import { expect } from 'chai';

import { defaultKeyFile, loadAuditKey } from '../../server/audit/audit-key.js';
import { loadConfig } from '../../server/config.js';
import { InvalidInputError } from '../../server/errors.js';
import { removeDir } from '../support/harness.js';

describe('Audit key configuration', () => {
  let root: string;
  beforeEach(() => {
    root = mkdtempSync(path.join(tmpdir(), 'baton-key-'));
  });
  afterEach(() => removeDir(root));

  it('defaults to a key file beside the data directory, not inside it', () => {
    const config = loadConfig({ BATON_DATA_DIR: path.join(root, 'data') });
    expect(config.audit).to.deep.include({
      key: null,
      keyFile: path.join(root, 'data-keys', 'audit.key'),
      keyFileGiven: false,
      checkpointMs: 300_000,
      anchorFile: path.join(root, 'data-keys', 'audit-anchor.json'),
    });
    expect(defaultKeyFile('/srv/baton/data/')).to.equal('/srv/baton/data-keys/audit.key');
  });

  it('generates a private key file once, with a warning, and reads the same key afterwards', () => {
    const settings = { key: null, keyFile: path.join(root, 'data-keys', 'audit.key'), keyFileGiven: false, dataDir: path.join(root, 'data') };
    const first = loadAuditKey(settings);
    expect(first.warnings.join()).to.contain('generated a new audit key');
    expect(statSync(settings.keyFile).mode & 0o777).to.equal(0o600);
    expect(statSync(path.dirname(settings.keyFile)).mode & 0o777).to.equal(0o700);
    const second = loadAuditKey(settings);
    expect(second.warnings).to.deep.equal([]);
    expect(second.key.id).to.equal(first.key.id);
    expect(second.key.secret.equals(first.key.secret)).to.equal(true);
  });

  it('takes BATON_AUDIT_KEY over any file, and refuses a short one', () => {
    const config = loadConfig({ BATON_DATA_DIR: root, BATON_AUDIT_KEY: 'k'.repeat(40), BATON_AUDIT_KEY_FILE: path.join(root, 'missing.key') });
    const { key } = loadAuditKey(config.audit);
    expect(key.secret.toString()).to.equal('k'.repeat(40));
    expect(() => loadConfig({ BATON_AUDIT_KEY: 'short' })).to.throw(InvalidInputError, /BATON_AUDIT_KEY/);
  });

  it('refuses a configured key file that does not exist or holds too short a key', () => {
    const config = loadConfig({ BATON_DATA_DIR: root, BATON_AUDIT_KEY_FILE: path.join(root, 'missing.key') });
    expect(() => loadAuditKey(config.audit)).to.throw(InvalidInputError, /does not exist/);
    writeFileSync(path.join(root, 'short.key'), 'abc\n');
    expect(() => loadAuditKey(loadConfig({ BATON_DATA_DIR: root, BATON_AUDIT_KEY_FILE: path.join(root, 'short.key') }).audit)).to.throw(InvalidInputError, /shorter/);
  });

  it('warns when the key file sits inside the data directory', () => {
    const dataDir = path.join(root, 'data');
    mkdirSync(dataDir);
    writeFileSync(path.join(dataDir, 'audit.key'), `${'x'.repeat(64)}\n`);
    const { warnings } = loadAuditKey(loadConfig({ BATON_DATA_DIR: dataDir, BATON_AUDIT_KEY_FILE: path.join(dataDir, 'audit.key') }).audit);
    expect(warnings.join()).to.contain('inside the data directory');
  });
});
