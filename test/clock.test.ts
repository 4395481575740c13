import { expect } from 'chai';
import { ManualClock } from '../server/clock.js';

describe('ManualClock', () => {
  it('moves only when told', () => {
    // given a clock at a fixed time
    const clock = new ManualClock(new Date('2026-01-01T00:00:00Z'));
    // when it is advanced by an hour
    clock.advance(3_600_000);
    // then it reads an hour later
    expect(clock.now().toISOString()).to.equal('2026-01-01T01:00:00.000Z');
  });
});
