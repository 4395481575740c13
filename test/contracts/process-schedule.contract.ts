import { expect } from 'chai';

import type { ProcessScheduleRecord } from '../../server/timers/process-schedule.js';
import { isoAt } from './fixtures.js';
import { type CloseStore, type OpenStore, useFreshStore } from './harness.js';

function makeSchedule(overrides: Partial<ProcessScheduleRecord> = {}): ProcessScheduleRecord {
  const processKey = overrides.processKey ?? 'daily-report';
  const elementId = overrides.elementId ?? 'every-morning';
  return {
    id: `start:${processKey}:${elementId}`,
    processKey,
    definitionId: `${processKey}:1`,
    elementId,
    value: 'R/2026-03-02T08:00:00Z/P1D',
    dueAt: isoAt(60),
    fired: 0,
    ...overrides,
  };
}

/** When processes with timer start events start themselves next: one record per start event. */
export function processScheduleContract(open: OpenStore, close: CloseStore): void {
  describe('ProcessScheduleStore contract', () => {
    const store = useFreshStore(open, close);

    it('stores a schedule and reads it back by id and by process', async () => {
      // given two schedules of one process and one of another
      const morning = makeSchedule();
      const evening = makeSchedule({ elementId: 'every-evening', dueAt: isoAt(600) });
      const other = makeSchedule({ processKey: 'weekly', elementId: 'monday' });
      for (const schedule of [morning, evening, other]) await store().schedules.put(schedule);
      // when they are read
      // then they come back unchanged, a process's ordered by id
      expect(await store().schedules.get(morning.id)).to.deep.equal(morning);
      expect(await store().schedules.get('start:none:none')).to.equal(null);
      expect(await store().schedules.forProcess('daily-report')).to.deep.equal([evening, morning]);
      expect(await store().schedules.forProcess('weekly')).to.deep.equal([other]);
      expect(await store().schedules.forProcess('missing')).to.deep.equal([]);
    });

    it('replaces a schedule put again under the same id (the next due time, the count fired)', async () => {
      // given a schedule
      const schedule = makeSchedule();
      await store().schedules.put(schedule);
      // when it is put again after firing once
      const advanced = { ...schedule, dueAt: isoAt(60 + 24 * 60), fired: 1, definitionId: 'daily-report:2' };
      await store().schedules.put(advanced);
      // then only the new one is there
      expect(await store().schedules.forProcess('daily-report')).to.deep.equal([advanced]);
    });

    it('answers schedules due at or before an instant, earliest first (as instants), up to a limit', async () => {
      // given schedules due at minutes 10, 20 (written with an offset) and 30
      const ten = makeSchedule({ processKey: 'a', dueAt: isoAt(10) });
      const twenty = makeSchedule({ processKey: 'b', dueAt: '2026-03-02T10:20:00.000+02:00' });
      const thirty = makeSchedule({ processKey: 'c', dueAt: isoAt(30) });
      for (const schedule of [thirty, ten, twenty]) await store().schedules.put(schedule);
      const due = async (minute: number, limit: number) => (await store().schedules.due(new Date(isoAt(minute)), limit)).map((s) => s.processKey);
      // when asked at several instants
      // then the boundary is inclusive, order is by instant, the limit caps, and text is kept as written
      expect(await due(5, 10)).to.deep.equal([]);
      expect(await due(20, 10)).to.deep.equal(['a', 'b']);
      expect(await due(60, 2)).to.deep.equal(['a', 'b']);
      expect((await store().schedules.get(twenty.id))?.dueAt).to.equal('2026-03-02T10:20:00.000+02:00');
    });

    it('removes a schedule, and removing an unknown one changes nothing', async () => {
      // given two schedules
      const kept = makeSchedule({ processKey: 'kept' });
      const gone = makeSchedule({ processKey: 'gone' });
      await store().schedules.put(kept);
      await store().schedules.put(gone);
      // when one is removed, and an unknown id too
      await store().schedules.remove(gone.id);
      await store().schedules.remove('start:none:none');
      // then only the other is left
      expect(await store().schedules.get(gone.id)).to.equal(null);
      expect(await store().schedules.due(new Date(isoAt(600)), 10)).to.deep.equal([kept]);
    });
  });
}
