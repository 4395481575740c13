import type { DefinitionRecord, DefinitionSummary } from './definition.js';

export interface DefinitionStore {
  /** Stores a new version. Throws VersionConflictError when (key, version) exists already. */
  insert(definition: DefinitionRecord): Promise<void>;
  get(key: string, version: number): Promise<DefinitionRecord | null>;
  getById(id: string): Promise<DefinitionRecord | null>;
  latest(key: string): Promise<DefinitionRecord | null>;
  /** Latest version of every key, ordered by key. */
  listLatest(): Promise<DefinitionSummary[]>;
  /** Every version of one key, newest first. */
  versions(key: string): Promise<DefinitionSummary[]>;
  /** Latest version of every process that a message of this name starts. */
  startedByMessage(messageName: string): Promise<DefinitionRecord[]>;
}
