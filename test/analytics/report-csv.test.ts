import { expect } from 'chai';

import { csvCell, toCsv } from '../../server/analytics/report-csv.js';

describe('Report CSV', () => {
  it('defuses text that a spreadsheet would run as a formula, and quotes what would break the row', () => {
    expect(csvCell('=HYPERLINK("http://evil")')).to.equal(`"'=HYPERLINK(""http://evil"")"`);
    expect(csvCell('+1')).to.equal(`"'+1"`);
    expect(csvCell('-x')).to.equal(`"'-x"`);
    expect(csvCell('@sum')).to.equal(`"'@sum"`);
    expect(csvCell('\tx')).to.equal(`"'\tx"`);
    expect(csvCell('a,b')).to.equal('"a,b"');
    expect(csvCell('plain')).to.equal('plain');
  });

  it('keeps numbers as numbers, negative ones too, and empty for none', () => {
    expect(csvCell(-5)).to.equal('-5');
    expect(csvCell(0.25)).to.equal('0.25');
    expect(csvCell(null)).to.equal('');
    expect(
      toCsv(
        [{ a: 1, b: '=x' }],
        [
          ['a', (r) => r.a],
          ['b', (r) => r.b],
        ],
      ),
    ).to.equal(`a,b\n1,"'=x"\n`);
  });
});
