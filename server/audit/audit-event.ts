/** What a step wants recorded; the runner chains it into an AuditEvent. */
export interface AuditEventInput {
  type: string;
  /** Who caused it: a user name, `system`, `timer`, `api`. */
  actor: string;
  elementId?: string | null;
  data?: Record<string, unknown>;
}

export interface AuditEvent {
  instanceId: string;
  /** 1, 2, 3... per instance, no gaps. */
  seq: number;
  type: string;
  at: string;
  actor: string;
  elementId: string | null;
  definitionId: string;
  data: Record<string, unknown>;
  prevHash: string;
  /** sha256(prevHash + canonical JSON of the event without its hashes). */
  hash: string;
}
