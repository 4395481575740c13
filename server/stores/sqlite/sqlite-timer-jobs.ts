import { toJobId, type JobParameters } from 'agenda';

import type { TimerJobs } from '../../timers/timer-jobs.js';
import type { SqliteAgendaBackend } from './sqlite-agenda-backend.js';

export class SqliteTimerJobs implements TimerJobs {
  constructor(readonly backend: SqliteAgendaBackend) {}

  async notify(jobs: { id: string; name: string; dueAt: Date }[]): Promise<void> {
    await Promise.all(jobs.map((job) => this.backend.notify({ _id: toJobId(job.id), name: job.name, nextRunAt: job.dueAt, priority: 0 })));
  }

  async isCurrent(job: JobParameters): Promise<boolean> {
    return this.backend.repository.isCurrentSync(job);
  }
}
