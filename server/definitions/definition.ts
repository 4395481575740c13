import type { ErrorIssue } from '../errors.js';

export interface StartTimer {
  elementId: string;
  timerType: 'timeCycle' | 'timeDate' | 'timeDuration';
  /** Literal ISO 8601 value: `R/2026-01-05T08:00:00Z/P1D`, `2026-12-01T09:00:00Z`, `PT1H`. */
  value: string;
}

/** One deployed version of a process. Immutable once stored. */
export interface DefinitionRecord {
  /** `${key}:${version}` */
  id: string;
  /** Id of the executable process in the diagram; stable across versions. */
  key: string;
  version: number;
  name: string;
  xml: string;
  /** sha256 of the XML as deployed: an identical re-deploy is not a new version. */
  hash: string;
  /** Prefix of the ticket numbers of this process's instances, e.g. `HD`. */
  ticketPrefix: string;
  /** Names of the messages that start this process (message start events). */
  startMessages: string[];
  /** Timer start events: the process starts itself on these schedules. */
  startTimers: StartTimer[];
  deployedAt: string;
  warnings: ErrorIssue[];
}

export type DefinitionSummary = Omit<DefinitionRecord, 'xml'>;
