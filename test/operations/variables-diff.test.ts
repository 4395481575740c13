import { expect } from 'chai';

import { MappingLineError, parseMapping, variableEdit } from '../../modeler/src/operations/variables-diff.js';

describe('operations page: variable edit and mapping (pure)', () => {
  it('sends only what changed, and lists it for the preview', () => {
    const before = { a: 1, b: { c: [1, 2] }, gone: 'x', same: true };
    const edit = variableEdit(before, JSON.stringify({ a: 2, b: { c: [1, 2] }, same: true, added: null }));
    expect(edit.set).to.deep.equal({ a: 2, added: null });
    expect(edit.remove).to.deep.equal(['gone']);
    expect(edit.lines).to.deep.equal([
      { kind: 'set', name: 'a', from: '1', to: '2' },
      { kind: 'set', name: 'added', from: '∅', to: 'null' },
      { kind: 'removed', name: 'gone', from: '"x"', to: '' },
    ]);
  });

  it('refuses JSON that is not an object, and bad JSON', () => {
    expect(() => variableEdit({}, '[1]')).to.throw(/JSON object/);
    expect(() => variableEdit({}, '{ nope')).to.throw(SyntaxError);
  });

  it('reads a mapping of old = new lines, naming the first bad line', () => {
    expect(parseMapping('b = b2\n\n  c=c2  ')).to.deep.equal({ b: 'b2', c: 'c2' });
    expect(parseMapping('')).to.deep.equal({});
    try {
      parseMapping('a = b\nnot a pair');
      expect.fail('should throw');
    } catch (err) {
      expect(err).to.be.instanceOf(MappingLineError);
      expect((err as MappingLineError).line).to.equal(2);
    }
  });
});
