import { expect } from 'chai';

import { departmentTree, type DepartmentNode } from '../../modeler/src/admin/department-tree.js';

const names = (nodes: DepartmentNode[]): unknown[] => nodes.map((node) => (node.children.length ? [node.department.id, names(node.children)] : node.department.id));

describe('admin page: departments as a tree (pure)', () => {
  it('puts children under their parent, roots first, by name; an unknown parent makes a root', () => {
    const tree = departmentTree([
      { id: 'l1', name: 'L1', parentId: 'l2' },
      { id: 'head', name: 'Head', parentId: null },
      { id: 'l2', name: 'L2', parentId: 'head' },
      { id: 'billing', name: 'Billing', parentId: 'head' },
      { id: 'orphan', name: 'Orphan', parentId: 'gone' },
    ]);
    expect(names(tree)).to.deep.equal([['head', ['billing', ['l2', ['l1']]]], 'orphan']);
  });
});
