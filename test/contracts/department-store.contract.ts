import { expect } from 'chai';
import { makeDepartment } from './fixtures.js';
import { type CloseStore, type OpenStore, useFreshStore } from './harness.js';

export function departmentStoreContract(open: OpenStore, close: CloseStore): void {
  describe('DepartmentStore contract', () => {
    const store = useFreshStore(open, close);

    it('inserts, reads back and replaces a department by id', async () => {
      // given a department under a parent
      const department = makeDepartment({ id: 'second-line', name: 'Second line', parentId: 'third-line' });
      await store().departments.upsert(department);
      expect(await store().departments.get('second-line')).to.deep.equal(department);
      // when it is upserted again with a new name and no parent
      const renamed = { id: 'second-line', name: 'Specialists', parentId: null };
      await store().departments.upsert(renamed);
      // then the new version replaced the old one
      expect(await store().departments.get('second-line')).to.deep.equal(renamed);
      expect(await store().departments.list()).to.deep.equal([renamed]);
    });

    it('lists ordered by id and answers null for an unknown id', async () => {
      // given three departments upserted out of order
      const top = makeDepartment({ id: 'c-management', name: 'Management' });
      const first = makeDepartment({ id: 'a-first-line', parentId: 'b-second-line' });
      const second = makeDepartment({ id: 'b-second-line', name: 'Second line', parentId: 'c-management' });
      for (const department of [top, first, second]) await store().departments.upsert(department);
      // when they are listed
      // then they come ordered by id
      expect(await store().departments.list()).to.deep.equal([first, second, top]);
      expect(await store().departments.get('missing')).to.equal(null);
    });
  });
}
