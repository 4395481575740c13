import { expect } from 'chai';
import { VersionConflictError } from '../../server/errors.js';
import { makeDefinition, rejectionOf } from './fixtures.js';
import { type CloseStore, type OpenStore, useFreshStore } from './harness.js';

export function definitionStoreContract(open: OpenStore, close: CloseStore): void {
  describe('DefinitionStore contract', () => {
    const store = useFreshStore(open, close);

    it('reads back an inserted definition by key and version, and by id', async () => {
      // given a definition with warnings and start messages
      const definition = makeDefinition({
        startMessages: ['web-form', 'qr-scan'],
        warnings: [{ elementId: 'triage', message: 'no due date' }],
      });
      // when it is inserted
      await store().definitions.insert(definition);
      // then both lookups return it unchanged
      expect(await store().definitions.get(definition.key, definition.version)).to.deep.equal(definition);
      expect(await store().definitions.getById(definition.id)).to.deep.equal(definition);
    });

    it('returns null for what is not there', async () => {
      // given an empty store
      // when unknown definitions are looked up
      // then every lookup answers null
      expect(await store().definitions.get('nope', 1)).to.equal(null);
      expect(await store().definitions.getById('nope:1')).to.equal(null);
      expect(await store().definitions.latest('nope')).to.equal(null);
    });

    it('refuses a second insert of the same key and version', async () => {
      // given a stored definition
      const first = makeDefinition();
      await store().definitions.insert(first);
      // when the same (key, version) is inserted again with other content
      const error = await rejectionOf(store().definitions.insert({ ...first, name: 'Other', hash: 'x' }));
      // then it is a version conflict and the first one is kept
      expect(error).to.be.instanceOf(VersionConflictError);
      expect(await store().definitions.getById(first.id)).to.deep.equal(first);
    });

    it('answers the latest version of a key', async () => {
      // given three versions deployed out of order
      for (const version of [1, 3, 2]) await store().definitions.insert(makeDefinition({ version }));
      // when the latest is asked for
      const latest = await store().definitions.latest('helpdesk');
      // then version 3 comes back, XML included
      expect(latest?.version).to.equal(3);
      expect(latest?.xml).to.equal(makeDefinition({ version: 3 }).xml);
    });

    it('lists the latest version of every key, ordered by key, without XML', async () => {
      // given two versions of "refund" and one of "complaint"
      await store().definitions.insert(makeDefinition({ key: 'refund', version: 1 }));
      await store().definitions.insert(makeDefinition({ key: 'refund', version: 2 }));
      await store().definitions.insert(makeDefinition({ key: 'complaint', version: 1 }));
      // when the latest of each are listed
      const listed = await store().definitions.listLatest();
      // then each key appears once, at its latest version, and no XML travels
      expect(listed.map((d) => d.id)).to.deep.equal(['complaint:1', 'refund:2']);
      for (const summary of listed) expect(summary).to.not.have.property('xml');
      const { xml: _xml, ...summary } = makeDefinition({ key: 'refund', version: 2 });
      expect(listed[1]).to.deep.equal(summary);
    });

    it('lists every version of one key, newest first, without XML', async () => {
      // given three versions of one key and another key
      for (const version of [2, 1, 3]) await store().definitions.insert(makeDefinition({ version }));
      await store().definitions.insert(makeDefinition({ key: 'other' }));
      // when its versions are listed
      const versions = await store().definitions.versions('helpdesk');
      // then they come newest first and carry no XML
      expect(versions.map((d) => d.version)).to.deep.equal([3, 2, 1]);
      for (const summary of versions) expect(summary).to.not.have.property('xml');
      expect(await store().definitions.versions('unknown')).to.deep.equal([]);
    });

    it('finds the latest version of each process a message starts', async () => {
      // given "refund" v1 and v2 both started by web-form, "complaint" started by web-form and
      // email, and "field" started by qr-scan only
      await store().definitions.insert(makeDefinition({ key: 'refund', version: 1, startMessages: ['web-form'] }));
      await store().definitions.insert(makeDefinition({ key: 'refund', version: 2, startMessages: ['web-form'] }));
      await store().definitions.insert(makeDefinition({ key: 'complaint', version: 1, startMessages: ['email', 'web-form'] }));
      await store().definitions.insert(makeDefinition({ key: 'field', version: 1, startMessages: ['qr-scan'] }));
      // when the processes started by web-form are asked for
      const started = await store().definitions.startedByMessage('web-form');
      // then the latest version of each matching process comes back, full record, by key
      expect(started.map((d) => d.id)).to.deep.equal(['complaint:1', 'refund:2']);
      expect(started[1]?.xml).to.equal(makeDefinition({ key: 'refund', version: 2 }).xml);
      expect(await store().definitions.startedByMessage('nobody-sends-this')).to.deep.equal([]);
    });

    it('stops starting a process by a message its latest version dropped', async () => {
      // given v1 started by web-form and v2 without any message start
      await store().definitions.insert(makeDefinition({ version: 1, startMessages: ['web-form'] }));
      await store().definitions.insert(makeDefinition({ version: 2, startMessages: [] }));
      // when the processes started by web-form are asked for
      const started = await store().definitions.startedByMessage('web-form');
      // then the old version is not started
      expect(started).to.deep.equal([]);
    });
  });
}
