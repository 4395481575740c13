import type Database from 'better-sqlite3';

/**
 * Signed checkpoints of the audit chain heads (issue 6), and the index behind the auditors'
 * "instances this person acted on" search.
 *
 * A checkpoint row holds what its HMAC signs; its heads are rows of their own, keyed by instance
 * first, so "every sealed head of instance X" is an index range. No foreign key to instances: a
 * deleted instance must be found missing by verification, not kept by a constraint.
 */
export function auditCheckpointsMigration(db: Database.Database): void {
  db.exec(`
    CREATE TABLE audit_checkpoints (
      id             INTEGER PRIMARY KEY,
      at             TEXT NOT NULL,
      prev_signature TEXT NOT NULL,
      head_count     INTEGER NOT NULL,
      heads_digest   TEXT NOT NULL,
      key_id         TEXT NOT NULL,
      signature      TEXT NOT NULL
    );
    CREATE TABLE audit_checkpoint_heads (
      instance_id   TEXT NOT NULL,
      checkpoint_id INTEGER NOT NULL REFERENCES audit_checkpoints (id),
      seq           INTEGER NOT NULL,
      hash          TEXT NOT NULL,
      PRIMARY KEY (instance_id, checkpoint_id)
    ) WITHOUT ROWID;
    CREATE INDEX audit_checkpoint_heads_checkpoint ON audit_checkpoint_heads (checkpoint_id, instance_id);
    CREATE INDEX audit_events_actor ON audit_events (actor, instance_id);
  `);
}
