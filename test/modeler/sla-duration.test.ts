import { expect } from 'chai';

import { parseSlaDuration } from '../../modeler/src/modeler/sla-duration.js';
import { isIsoDuration } from '../../server/definitions/rules/iso8601.js';

describe('modeler SLA duration input', () => {
  it('reads short forms and ISO 8601 into durations deploy accepts', () => {
    const cases: [string, string, string][] = [
      ['20h', 'PT20H', '20 h'],
      ['2 s', 'PT2S', '2 s'],
      ['90m', 'PT90M', '90 min'],
      ['1d', 'P1D', '1 d'],
      ['1,5 h', 'PT1.5H', '1.5 h'],
      ['pt4h', 'PT4H', 'PT4H'],
    ];
    for (const [input, iso, label] of cases) {
      expect(parseSlaDuration(input), input).to.deep.equal({ iso, label });
      expect(isIsoDuration(iso), iso).to.equal(true);
    }
  });

  it('refuses what is not a positive duration', () => {
    for (const input of ['', 'soon', '0h', '-2h', '2 weeks', 'P']) expect(parseSlaDuration(input), input).to.equal(null);
  });
});
