import { createHash } from 'node:crypto';

import type { AuditHead } from '../instances/instance.js';
import type { AuditEvent, AuditEventInput } from './audit-event.js';
import { canonicalJson, sortKeys } from './canonical-json.js';
import type { AuditBreak } from './audit-verification.js';

// Re-exported: the chain's callers know it from here; the module itself is pure (the browser's replay imports it).
export { canonicalJson };
export type { AuditBreak, AuditBreakKind } from './audit-verification.js';

export const GENESIS_HASH = '0'.repeat(64);

/** The part of an event its hash covers: everything except the hashes themselves. */
export function hashedPart(event: Omit<AuditEvent, 'prevHash' | 'hash'>): Record<string, unknown> {
  const { instanceId, seq, type, at, actor, elementId, definitionId, data } = event;
  return { instanceId, seq, type, at, actor, elementId, definitionId, data };
}

export function hashEvent(prevHash: string, event: Omit<AuditEvent, 'prevHash' | 'hash'>): string {
  return createHash('sha256')
    .update(prevHash)
    .update(canonicalJson(hashedPart(event)))
    .digest('hex');
}

/** Appends events to an instance's chain; returns the chained events and the new head. */
export function chainEvents(head: AuditHead, context: { instanceId: string; definitionId: string; at: Date }, inputs: AuditEventInput[]): { events: AuditEvent[]; head: AuditHead } {
  let { seq, hash } = head;
  const events: AuditEvent[] = [];
  for (const input of inputs) {
    seq += 1;
    const body = {
      instanceId: context.instanceId,
      seq,
      type: input.type,
      at: context.at.toISOString(),
      actor: input.actor,
      elementId: input.elementId ?? null,
      definitionId: context.definitionId,
      data: sortKeys(input.data ?? {}) as Record<string, unknown>,
    };
    const next = hashEvent(hash, body);
    events.push({ ...body, prevHash: hash, hash: next });
    hash = next;
  }
  return { events, head: { seq, hash } };
}

/**
 * Recomputes a chain read in seq order; answers the first event that does not match, or null when
 * all do. Never throws, whatever the rows hold: a broken chain is an answer, not an error.
 */
export function verifyChain(events: readonly AuditEvent[]): AuditBreak | null {
  let prev = GENESIS_HASH;
  let expectedSeq = 1;
  for (const event of events) {
    if (event.seq !== expectedSeq) {
      return { seq: expectedSeq, kind: 'sequence-gap', reason: `event ${expectedSeq} is missing: the next stored event is ${event.seq}` };
    }
    if (event.prevHash !== prev) {
      // A link that points at another stored event means rows were swapped, not edited.
      const pointsTo = events.find((other) => other !== event && other.hash === event.prevHash);
      if (pointsTo) {
        return { seq: event.seq, kind: 'reordered', reason: `event ${event.seq} was recorded after event ${pointsTo.seq}, not after event ${event.seq - 1}: the events were reordered` };
      }
      return { seq: event.seq, kind: 'broken-link', reason: `event ${event.seq} does not link to event ${event.seq - 1}: one of them was rewritten` };
    }
    let actual: string;
    try {
      actual = hashEvent(prev, event);
    } catch {
      actual = '';
    }
    if (actual !== event.hash) return { seq: event.seq, kind: 'hash-mismatch', reason: `event ${event.seq} was changed: its content does not match its hash` };
    prev = event.hash;
    expectedSeq += 1;
  }
  return null;
}
