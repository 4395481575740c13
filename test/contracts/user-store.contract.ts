import { expect } from 'chai';

import { ConflictError } from '../../server/errors.js';
import { isoAt, makeCredential, makeUser, rejectionOf } from './fixtures.js';
import { type CloseStore, type OpenStore, useFreshStore } from './harness.js';

export function userStoreContract(open: OpenStore, close: CloseStore): void {
  describe('UserStore contract', () => {
    const store = useFreshStore(open, close);

    it('inserts, reads back by id and username, updates in place', async () => {
      // given a user
      const user = makeUser({ username: 'ada' });
      await store().users.insert(user);
      expect(await store().users.get(user.id)).to.deep.equal(user);
      expect(await store().users.getByUsername('ada')).to.deep.equal(user);
      // when it is updated
      const changed = { ...user, departments: ['l2', 'l3'], disabled: true, updatedAt: isoAt(5) };
      expect(await store().users.update(changed)).to.equal(true);
      // then the change reads back, and an unknown user is neither found nor updated
      expect(await store().users.get(user.id)).to.deep.equal(changed);
      expect(await store().users.update(makeUser())).to.equal(false);
      expect(await store().users.getByUsername('nobody')).to.equal(null);
      expect(await store().users.count()).to.equal(1);
    });

    it('refuses a second user with the same username', async () => {
      await store().users.insert(makeUser({ username: 'ada' }));
      expect(await rejectionOf(store().users.insert(makeUser({ username: 'ada' })))).to.be.instanceOf(ConflictError);
      expect(await store().users.count()).to.equal(1);
    });

    it('lists by username and finds the enabled members of a department', async () => {
      // given three users, one of them disabled
      const bob = makeUser({ username: 'bob', departments: ['l1', 'l2'] });
      const ada = makeUser({ username: 'ada', departments: ['l1'] });
      const cy = makeUser({ username: 'cy', departments: ['l1'], disabled: true });
      for (const user of [bob, ada, cy]) await store().users.insert(user);
      // then
      expect((await store().users.list()).map((user) => user.username)).to.deep.equal(['ada', 'bob', 'cy']);
      expect((await store().users.inDepartment('l1')).map((user) => user.username)).to.deep.equal(['ada', 'bob']);
      expect((await store().users.inDepartment('l2')).map((user) => user.username)).to.deep.equal(['bob']);
      expect(await store().users.inDepartment('l9')).to.deep.equal([]);
    });
  });

  describe('CredentialStore contract', () => {
    const store = useFreshStore(open, close);

    it('finds a credential by the hash of its secret, deletes it once', async () => {
      const user = makeUser();
      await store().users.insert(user);
      const credential = makeCredential(user, { kind: 'token', csrfToken: null });
      await store().credentials.insert(credential);
      expect(await store().credentials.bySecretHash(credential.secretHash)).to.deep.equal(credential);
      expect(await store().credentials.delete(credential.id)).to.equal(true);
      expect(await store().credentials.delete(credential.id)).to.equal(false);
      expect(await store().credentials.bySecretHash(credential.secretHash)).to.equal(null);
    });

    it('removes every credential of a user, and the expired ones', async () => {
      // given two users with sessions, one of them expired
      const ada = makeUser();
      const bob = makeUser();
      for (const user of [ada, bob]) await store().users.insert(user);
      const a1 = makeCredential(ada);
      const a2 = makeCredential(ada, { kind: 'token', csrfToken: null });
      const old = makeCredential(bob, { expiresAt: isoAt(1) });
      const fresh = makeCredential(bob, { expiresAt: isoAt(100) });
      for (const credential of [a1, a2, old, fresh]) await store().credentials.insert(credential);
      // when ada's are removed and the expired ones swept at minute 50
      expect((await store().credentials.forUser(ada.id)).map((credential) => credential.id).sort()).to.deep.equal([a1.id, a2.id].sort());
      expect((await store().credentials.deleteForUser(ada.id)).sort()).to.deep.equal([a1.id, a2.id].sort());
      expect(await store().credentials.forUser(ada.id)).to.deep.equal([]);
      expect(await store().credentials.deleteExpired(isoAt(50))).to.equal(1);
      // then only bob's fresh session is left
      expect(await store().credentials.bySecretHash(fresh.secretHash)).to.deep.equal(fresh);
      expect(await store().credentials.bySecretHash(old.secretHash)).to.equal(null);
      expect(await store().credentials.bySecretHash(a1.secretHash)).to.equal(null);
    });
  });
}
