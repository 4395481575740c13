import { expect } from 'chai';

import { isIsoDuration, parseIsoCycle, parseIsoDateTime } from '../../server/definitions/rules/iso8601.js';
import { derivePrefix } from '../../server/definitions/rules/identity.js';

describe('ISO 8601 timer values', () => {
  it('accepts durations and refuses what is not one', () => {
    for (const value of ['PT20H', 'P1D', 'P1Y2M3DT4H5M6S', 'P2W', 'PT0.5S', 'P1DT12H']) {
      expect(isIsoDuration(value), value).to.equal(true);
    }
    for (const value of ['P', 'PT', 'PT5', '20h', 'P1WT1H', '-PT1H', 'P1H', '']) {
      expect(isIsoDuration(value), value).to.equal(false);
    }
  });

  it('accepts real date-times and knows when the zone is missing', () => {
    expect(parseIsoDateTime('2026-03-01T09:00:00Z')).to.deep.equal({ hasZone: true });
    expect(parseIsoDateTime('2026-03-01T09:00:00.250+01:00')).to.deep.equal({ hasZone: true });
    expect(parseIsoDateTime('2026-03-01T09:00')).to.deep.equal({ hasZone: false });
    for (const value of ['2026-03-01', '2026-13-01T09:00Z', '2025-02-29T09:00Z', '2026-03-01T24:00Z', 'tomorrow']) {
      expect(parseIsoDateTime(value), value).to.equal(null);
    }
    expect(parseIsoDateTime('2024-02-29T09:00Z'), 'leap day').to.deep.equal({ hasZone: true });
  });

  it('accepts R[n]/duration and R[n]/start/duration cycles only', () => {
    for (const value of ['R3/PT10M', 'R/P1D', 'R5/2026-03-01T09:00:00Z/PT1H']) {
      expect(parseIsoCycle(value), value).to.not.equal(null);
    }
    for (const value of ['0 0 9 * * ?', 'PT10M', 'R3/10m', 'R3/2026-03-01T09:00:00Z/2026-03-02T09:00:00Z']) {
      expect(parseIsoCycle(value), value).to.equal(null);
    }
  });
});

describe('derivePrefix', () => {
  it('takes the initials of the words of the key', () => {
    expect(derivePrefix('helpdesk-escalation')).to.equal('HE');
    expect(derivePrefix('refundRequest')).to.equal('RR');
    expect(derivePrefix('Process_1')).to.equal('P1');
    expect(derivePrefix('a-b-c-d-e-f-g-h')).to.equal('ABCDEF');
    expect(derivePrefix('___')).to.equal('T');
  });
});
