import { readFileSync } from 'node:fs';

import { expect } from 'chai';

import { parseBpmn } from '../../server/definitions/bpmn-parse.js';
import { miwgFiles, miwgPath } from '../support/miwg.js';

/** OMG MIWG reference diagrams must pass the XML limits and the BPMN schema (stages 1-2). */

describe('MIWG reference diagrams', () => {
  const files = miwgFiles();

  it('are all present', () => {
    expect(files).to.have.length(21);
  });

  for (const file of files) {
    it(`${file} passes the XML limits and the BPMN schema`, async () => {
      // given a reference diagram
      const xml = readFileSync(miwgPath(file), 'utf8');
      // when it is parsed
      const parsed = await parseBpmn(xml);
      // then it yields BPMN definitions (later rules may still refuse it)
      expect(parsed.definitions.$type).to.equal('bpmn:Definitions');
    });
  }
});
