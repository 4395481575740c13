import { toJobId, type JobParameters } from 'agenda';

import type { TimerJobs } from '../../timers/timer-jobs.js';
import type { PgAgendaBackend } from './pg-agenda-backend.js';

export class PgTimerJobs implements TimerJobs {
  constructor(readonly backend: PgAgendaBackend) {}

  async notify(jobs: { id: string; name: string; dueAt: Date }[]): Promise<void> {
    await Promise.all(jobs.map((job) => this.backend.notify({ _id: toJobId(job.id), name: job.name, nextRunAt: job.dueAt, priority: 0 })));
  }

  isCurrent(job: JobParameters): Promise<boolean> {
    return this.backend.repository.isCurrent(job);
  }
}
