import { ISOInterval, parseDuration } from '@0dep/piso';

import type { StartTimer } from '../definitions/definition.js';
import { isCron, nextCron } from '../engine/cron-cycle.js';

/**
 * When a timer start event next starts an instance, or null when it is done. `after` is the
 * previous start (or the deploy); `fired` how many instances it started so far. A cycle missed
 * while Baton was down is due at once, fires once, and its next start is counted from then.
 */
export function nextStart(timer: StartTimer, after: Date, fired: number): Date | null {
  switch (timer.timerType) {
    case 'timeDate':
      return fired === 0 ? new Date(timer.value) : null;
    case 'timeDuration':
      return fired === 0 ? parseDuration(timer.value).getExpireAt(after) : null;
    case 'timeCycle': {
      // A cron cycle starts an instance at every occurrence, without end.
      if (isCron(timer.value)) return nextCron(timer.value, after);
      const interval = new ISOInterval(timer.value).parse();
      const repeat = interval.repeat ?? -1;
      if (repeat !== -1 && fired >= repeat) return null;
      return interval.getExpireAt(after, after);
    }
  }
}
