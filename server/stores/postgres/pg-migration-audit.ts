import type { PgMigration } from './pg-schema.js';

/** Signed checkpoints of the audit chain heads, as on SQLite (sqlite-migration-audit.ts). */
export const auditMigration: PgMigration = {
  name: 'audit-checkpoints',
  sql: `
    CREATE TABLE audit_checkpoints (
      id             integer PRIMARY KEY,
      at             text NOT NULL,
      prev_signature text NOT NULL,
      head_count     integer NOT NULL,
      heads_digest   text NOT NULL,
      key_id         text NOT NULL,
      signature      text NOT NULL
    );
    CREATE TABLE audit_checkpoint_heads (
      instance_id   text NOT NULL,
      checkpoint_id integer NOT NULL REFERENCES audit_checkpoints (id),
      seq           integer NOT NULL,
      hash          text NOT NULL,
      PRIMARY KEY (instance_id, checkpoint_id)
    );
    CREATE INDEX audit_checkpoint_heads_checkpoint ON audit_checkpoint_heads (checkpoint_id, instance_id);
    CREATE INDEX audit_events_actor ON audit_events (actor, instance_id);
  `,
};
