import type { Logger } from 'pino';

import type { Clock } from '../clock.js';
import type { DefinitionRecord } from '../definitions/definition.js';
import type { DefinitionStore } from '../definitions/definition.store.js';
import { ConflictError } from '../errors.js';
import type { InstanceRunner } from '../instances/instance-runner.js';
import type { ProcessScheduleRecord, ProcessScheduleStore } from './process-schedule.js';
import { nextStart } from './start-schedule.js';

/**
 * Processes that start themselves: each timer start event of a process's latest version is a
 * schedule (an agenda job). When one falls due an instance of that version starts, passing its
 * timer start event at once, and the schedule moves to its next start or ends.
 */
export class ProcessStarts {
  constructor(
    private readonly schedules: ProcessScheduleStore,
    private readonly definitions: DefinitionStore,
    private readonly runner: InstanceRunner,
    private readonly clock: Clock,
    private readonly logger: Logger,
  ) {}

  /**
   * After a deploy: the new version's timer start events replace the old ones. A start event
   * whose timer is unchanged keeps its schedule (a redeploy does not restart a cycle's count).
   */
  async scheduleFor(definition: DefinitionRecord): Promise<void> {
    const existing = new Map((await this.schedules.forProcess(definition.key)).map((schedule) => [schedule.elementId, schedule]));
    const now = this.clock.now();
    for (const timer of definition.startTimers) {
      const kept = existing.get(timer.elementId);
      existing.delete(timer.elementId);
      if (kept && kept.value === timer.value) {
        await this.schedules.put({ ...kept, definitionId: definition.id });
        continue;
      }
      const due = nextStart(timer, now, 0);
      if (!due) continue;
      await this.schedules.put({
        id: `start:${definition.key}:${timer.elementId}`,
        processKey: definition.key,
        definitionId: definition.id,
        elementId: timer.elementId,
        value: timer.value,
        dueAt: due.toISOString(),
        fired: 0,
      });
    }
    for (const gone of existing.values()) await this.schedules.remove(gone.id);
  }

  /** Starts the instance a due schedule owes; true when one was started. Safe to call twice. */
  async fire(id: string): Promise<boolean> {
    const schedule = await this.schedules.get(id);
    if (!schedule || new Date(schedule.dueAt).getTime() > this.clock.now().getTime()) return false;
    const definition = await this.definitions.getById(schedule.definitionId);
    const timer = definition?.startTimers.find((candidate) => candidate.elementId === schedule.elementId);
    if (!definition || !timer) {
      await this.schedules.remove(id);
      return false;
    }
    let started = false;
    try {
      // The business key names this very start: a second run after a crash finds it taken.
      await this.runner.start(definition, {
        variables: {},
        businessKey: `${schedule.elementId}@${schedule.dueAt}`,
        actor: 'timer',
        startTimer: schedule.elementId,
      });
      started = true;
    } catch (err) {
      if (!(err instanceof ConflictError)) throw err;
      this.logger.info({ scheduleId: id, dueAt: schedule.dueAt }, 'scheduled start had already happened');
    }
    await this.advance(schedule, timer);
    return started;
  }

  /** Fires every due schedule; answers how many instances started. */
  async fireDue(limit = 100): Promise<number> {
    let started = 0;
    for (const schedule of await this.schedules.due(this.clock.now(), limit)) {
      try {
        if (await this.fire(schedule.id)) started++;
      } catch (err) {
        this.logger.error({ err, scheduleId: schedule.id }, 'scheduled process start failed; it stays due');
      }
    }
    return started;
  }

  private async advance(schedule: ProcessScheduleRecord, timer: DefinitionRecord['startTimers'][number]): Promise<void> {
    const fired = schedule.fired + 1;
    const next = nextStart(timer, this.clock.now(), fired);
    if (next) await this.schedules.put({ ...schedule, fired, dueAt: next.toISOString() });
    else await this.schedules.remove(schedule.id);
  }
}
