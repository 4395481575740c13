import { readFileSync, readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';

import { expect } from 'chai';

import { parseBpmn } from '../../server/definitions/bpmn-parse.js';

/**
 * OMG MIWG reference diagrams: they must pass the XML limits and the BPMN schema (stages 1-2).
 * They live in the workplace's shared/ folder beside this repository (CC-BY 3.0, not copied in).
 */
const MIWG = process.env['BATON_MIWG_DIR'] ?? resolve('..', 'shared', 'conformance', 'miwg');

describe('MIWG reference diagrams', () => {
  const files = readdirSync(MIWG).filter((file) => file.endsWith('.bpmn')).sort();

  it('are all present', () => {
    expect(files).to.have.length(21);
  });

  for (const file of files) {
    it(`${file} passes the XML limits and the BPMN schema`, async () => {
      // given a reference diagram
      const xml = readFileSync(join(MIWG, file), 'utf8');
      // when it is parsed
      const parsed = await parseBpmn(xml);
      // then it yields BPMN definitions (later rules may still refuse it)
      expect(parsed.definitions.$type).to.equal('bpmn:Definitions');
    });
  }
});
