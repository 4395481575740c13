import { toJobId, type JobParameters } from 'agenda';

import type { JobRef, TimerJobs } from '../../timers/timer-jobs.js';
import type { PgAgendaBackend } from './pg-agenda-backend.js';

export class PgTimerJobs implements TimerJobs {
  constructor(readonly backend: PgAgendaBackend) {}

  async notify(jobs: { id: string; name: string; dueAt: Date }[]): Promise<void> {
    await Promise.all(jobs.map((job) => this.backend.notify({ _id: toJobId(job.id), name: job.name, nextRunAt: job.dueAt, priority: 0 })));
  }

  async isCurrent(job: JobRef): Promise<boolean> {
    return this.backend.repository.isCurrent(toParameters(job));
  }
}

/** The repository compares generations on agenda's job shape (the generation rides along as an extra attribute). */
function toParameters(job: JobRef): JobParameters & { generation?: string } {
  return { _id: toJobId(job.id), name: '', priority: 0, nextRunAt: null, type: 'normal', data: undefined, ...(job.generation === null ? {} : { generation: job.generation }) };
}
