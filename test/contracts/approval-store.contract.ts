import { randomUUID } from 'node:crypto';

import { expect } from 'chai';

import type { ApprovalRecord } from '../../server/operations/approval.js';
import { isoAt } from './fixtures.js';
import { type CloseStore, type OpenStore, useFreshStore } from './harness.js';

function makeApproval(overrides: Partial<ApprovalRecord> = {}): ApprovalRecord {
  return {
    id: randomUUID(),
    kind: 'move',
    instanceId: 'instance-1',
    request: { from: 'a', to: 'b', reason: 'r', dryRun: false, nested: { list: [1, 2] } },
    reason: 'r',
    requestedBy: 'ada',
    requestedAt: isoAt(1),
    status: 'pending',
    decidedBy: null,
    decidedAt: null,
    note: null,
    ...overrides,
  };
}

export function departmentHeadStoreContract(open: OpenStore, close: CloseStore): void {
  describe('DepartmentHeadStore contract', () => {
    const store = useFreshStore(open, close);

    it('sets, replaces and removes a department head', async () => {
      await store().departments.upsert({ id: 'l1', name: 'L1', parentId: null });
      await store().departments.upsert({ id: 'l2', name: 'L2', parentId: null });
      expect(await store().departmentHeads.all()).to.deep.equal({});
      await store().departmentHeads.set('l1', 'ada');
      await store().departmentHeads.set('l2', 'bob');
      await store().departmentHeads.set('l1', 'cy');
      expect(await store().departmentHeads.all()).to.deep.equal({ l1: 'cy', l2: 'bob' });
      await store().departmentHeads.set('l2', null);
      await store().departmentHeads.set('l2', null);
      expect(await store().departmentHeads.all()).to.deep.equal({ l1: 'cy' });
    });
  });
}

export function approvalStoreContract(open: OpenStore, close: CloseStore): void {
  describe('ApprovalStore contract', () => {
    const store = useFreshStore(open, close);

    it('stores a request as given and lists it newest first, by status', async () => {
      const older = makeApproval({ requestedAt: isoAt(1) });
      const newer = makeApproval({ requestedAt: isoAt(2), kind: 'migrate', instanceId: null });
      await store().approvals.insert(older);
      await store().approvals.insert(newer);
      expect(await store().approvals.get(older.id)).to.deep.equal(older);
      expect(await store().approvals.get('missing')).to.equal(null);
      expect((await store().approvals.list('pending', 10)).map((approval) => approval.id)).to.deep.equal([newer.id, older.id]);
      expect(await store().approvals.list('approved', 10)).to.deep.equal([]);
      expect(await store().approvals.list(undefined, 1)).to.deep.equal([newer]);
    });

    it('decides a pending request once: a second decision loses', async () => {
      const approval = makeApproval();
      await store().approvals.insert(approval);
      const decision = { status: 'approved' as const, decidedBy: 'bob', decidedAt: isoAt(5), note: null };
      expect(await store().approvals.decide(approval.id, decision)).to.equal(true);
      expect(await store().approvals.decide(approval.id, { ...decision, status: 'rejected', decidedBy: 'cy' })).to.equal(false);
      expect(await store().approvals.get(approval.id)).to.deep.include({ status: 'approved', decidedBy: 'bob', decidedAt: isoAt(5) });
      // and its outcome can follow (applying it failed)
      await store().approvals.setOutcome(approval.id, 'failed', 'the ticket moved on');
      expect(await store().approvals.get(approval.id)).to.deep.include({ status: 'failed', note: 'the ticket moved on', decidedBy: 'bob' });
    });
  });
}
