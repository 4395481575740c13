import { expect } from 'chai';
import { isoAt, makeInstance, makeTimer, startInstance } from './fixtures.js';
import { type CloseStore, type OpenStore, useFreshStore } from './harness.js';

export function timerStoreContract(open: OpenStore, close: CloseStore): void {
  describe('TimerStore contract', () => {
    const store = useFreshStore(open, close);

    it('pages the timers whose clock counts in a calendar, by id', async () => {
      // given timers counting in "office", one in "nights", and one without a clock
      const one = makeInstance();
      const two = makeInstance();
      const clock = (calendarId: string) => ({ calendar: calendarId, calendarId, remainingMs: 3_600_000, from: isoAt(0) });
      const a = makeTimer(one, { dueAt: isoAt(60), clock: clock('office') });
      const b = makeTimer(one, { dueAt: isoAt(70), elementId: 'warn', clock: clock('nights') });
      const c = makeTimer(two, { dueAt: isoAt(80), clock: clock('office') });
      const d = makeTimer(two, { dueAt: isoAt(90), elementId: 'plain' });
      await startInstance(store(), one, { timers: [a, b] });
      await startInstance(store(), two, { timers: [c, d] });
      // when the office timers are read in pages of one
      const office = [a, c].sort((x, y) => (x.id < y.id ? -1 : 1));
      const first = await store().timers.withClockCalendar('office', '', 1);
      const second = await store().timers.withClockCalendar('office', first[0]!.id, 1);
      // then each comes once with its clock, in id order, and the pages end
      expect([...first, ...second]).to.deep.equal(office);
      expect(await store().timers.withClockCalendar('office', second[0]!.id, 1)).to.deep.equal([]);
      expect(await store().timers.withClockCalendar('missing', '', 10)).to.deep.equal([]);
    });

    it('reads back timers by id and per instance', async () => {
      // given an instance with two timers
      const instance = makeInstance();
      const early = makeTimer(instance, { dueAt: isoAt(60), elementId: 'remind' });
      const late = makeTimer(instance, { dueAt: isoAt(120), timerType: 'timeDate' });
      await startInstance(store(), instance, { timers: [late, early] });
      // when they are read
      // then they come back unchanged, earliest first per instance
      expect(await store().timers.get(early.id)).to.deep.equal(early);
      expect(await store().timers.get('missing')).to.equal(null);
      expect(await store().timers.forInstance(instance.id)).to.deep.equal([early, late]);
      expect(await store().timers.forInstance('missing')).to.deep.equal([]);
    });

    it('answers timers due at or before an instant, earliest first, up to a limit', async () => {
      // given timers of two instances due at minutes 10, 20, 30 and 40
      const one = makeInstance();
      const two = makeInstance();
      const t10 = makeTimer(one, { dueAt: isoAt(10) });
      const t20 = makeTimer(two, { dueAt: isoAt(20) });
      const t30 = makeTimer(one, { dueAt: isoAt(30) });
      const t40 = makeTimer(two, { dueAt: isoAt(40) });
      await startInstance(store(), one, { timers: [t30, t10] });
      await startInstance(store(), two, { timers: [t40, t20] });
      const due = async (minute: number, limit: number) => (await store().timers.due(new Date(isoAt(minute)), limit)).map((t) => t.id);
      // when due timers are asked for at several instants
      // then the boundary is inclusive, order is by due time, and the limit caps the answer
      expect(await due(5, 10)).to.deep.equal([]);
      expect(await due(20, 10)).to.deep.equal([t10.id, t20.id]);
      expect(await due(35, 10)).to.deep.equal([t10.id, t20.id, t30.id]);
      expect(await due(60, 2)).to.deep.equal([t10.id, t20.id]);
    });

    it('compares due times as instants, not as text', async () => {
      // given a timer whose due time is written with a +02:00 offset: 09:30+02:00 is 07:30Z,
      // which sorts after 08:00Z as text but is half an hour before it in time
      const instance = makeInstance();
      const offset = makeTimer(instance, { dueAt: '2026-03-02T09:30:00.000+02:00' });
      const utc = makeTimer(instance, { dueAt: '2026-03-02T07:45:00.000Z' });
      await startInstance(store(), instance, { timers: [utc, offset] });
      // when asked what is due at 07:40Z
      const due = await store().timers.due(new Date('2026-03-02T07:40:00.000Z'), 10);
      // then only the offset one is due, and its text is kept as written
      expect(due).to.deep.equal([offset]);
    });
  });
}
