import { expect } from 'chai';
import { randomUUID } from 'node:crypto';

import type { CustomerUpload } from '../../server/customer/customer.js';
import { VersionConflictError } from '../../server/errors.js';
import { isoAt, makeInstance, newInstanceStep, nextStep, rejectionOf, startInstance } from './fixtures.js';
import { type CloseStore, type OpenStore, useFreshStore } from './harness.js';

export function customerStoreContract(open: OpenStore, close: CloseStore): void {
  describe('CustomerStore contract', () => {
    const store = useFreshStore(open, close);

    it("stores a start's status link with the instance, and finds it by token hash", async () => {
      // given an instance whose first step carries its status link
      const id = randomUUID();
      const access = { tokenHash: 'a'.repeat(64), instanceId: id, createdAt: isoAt(0), expiresAt: isoAt(60) };
      await startInstance(store(), { id }, { ticketAccess: access });
      // then the lookup gives it back unchanged; another hash gives nothing
      expect(await store().customer.ticketByHash(access.tokenHash)).to.deep.equal(access);
      expect(await store().customer.ticketByHash('b'.repeat(64))).to.equal(null);
    });

    it('stores no status link when the start step is refused', async () => {
      // given a stored instance
      const first = await startInstance(store());
      // when a second start with the same id carries a status link
      const access = { tokenHash: 'c'.repeat(64), instanceId: first.id, createdAt: isoAt(0), expiresAt: isoAt(60) };
      expect(await rejectionOf(store().commitStep(newInstanceStep(makeInstance({ id: first.id }), { ticketAccess: access })))).to.be.instanceOf(VersionConflictError);
      // then the link was not stored: the step is one transaction
      expect(await store().customer.ticketByHash(access.tokenHash)).to.equal(null);
    });

    it('keeps the first feedback of a ticket and refuses a second', async () => {
      const instance = makeInstance();
      await startInstance(store(), instance);
      const first = { instanceId: instance.id, rating: 4, comment: 'good', createdAt: isoAt(1) };
      expect(await store().customer.insertFeedback(first)).to.equal(true);
      expect(await store().customer.insertFeedback({ ...first, rating: 1, comment: 'changed my mind' })).to.equal(false);
      expect(await store().customer.feedback(instance.id)).to.deep.equal(first);
      expect(await store().customer.feedback('missing')).to.equal(null);
    });

    it('stores an upload with its bytes in the step that takes it, and none when that step is refused', async () => {
      const instance = makeInstance();
      await startInstance(store(), instance);
      const upload: CustomerUpload = {
        id: randomUUID(),
        instanceId: instance.id,
        taskId: 'task-1',
        field: 'photo',
        filename: 'plate.png',
        contentType: 'image/png',
        size: 3,
        sha256: 'c'.repeat(64),
        data: Buffer.from([1, 2, 3]),
        createdAt: isoAt(2),
      };
      // a step from a stale version is refused: its upload is not kept
      const stale = { ...upload, id: randomUUID() };
      expect(await rejectionOf(store().commitStep(nextStep({ ...instance, version: instance.version + 1 }, { uploads: [stale] })))).to.be.instanceOf(VersionConflictError);
      expect(await store().customer.upload(stale.id)).to.equal(null);
      // the step that commits keeps it, bytes and all
      await store().commitStep(nextStep(instance, { uploads: [upload] }));
      expect(await store().customer.upload(upload.id)).to.deep.equal(upload);
    });
  });
}
