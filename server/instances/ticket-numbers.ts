import { TicketNumberTakenError } from '../errors.js';

/** `HD` and 42 → `HD-000042`. */
export function ticketNumberOf(prefix: string, seq: number): string {
  return `${prefix}-${String(seq).padStart(6, '0')}`;
}

export interface TicketReservation {
  prefix: string;
  seq: number;
  ticketNumber: string;
}

interface Outstanding {
  settled: Promise<void>;
  settle: () => void;
}

/**
 * Ticket numbers without gaps. A start runs with a *reserved* number (it is a process variable
 * during the start step, and the confirmation email names it); the store advances the per-prefix
 * counter from seq-1 to seq in the step's own transaction (StepWrite.ticket) or refuses with
 * TicketNumberTakenError, and the start is run again with a fresh number. So a refused (400) or
 * crashed start burns nothing.
 *
 * In this process, commits of one prefix go in number order (each waits for the lower numbers
 * still outstanding: committed, or released by a refused start, whose number the next start
 * takes). Engine runs stay concurrent; only the commits are ordered. Other processes on the same
 * store are ordered by the store's check alone.
 */
export class TicketNumbers {
  private readonly outstanding = new Map<string, Map<number, Outstanding>>();
  /** Highest number this process committed per prefix: the store may not have it visible yet to a concurrent read. */
  private readonly committed = new Map<string, number>();

  constructor(private readonly store: { lastTicketSeq(prefix: string): Promise<number> }) {}

  async reserve(prefix: string): Promise<TicketReservation> {
    const last = Math.max(await this.store.lastTicketSeq(prefix), this.committed.get(prefix) ?? 0);
    const taken = this.outstandingOf(prefix);
    let seq = last + 1;
    while (taken.has(seq)) seq += 1;
    let settle: () => void = () => undefined;
    const settled = new Promise<void>((resolve) => (settle = resolve));
    taken.set(seq, { settled, settle });
    return { prefix, seq, ticketNumber: ticketNumberOf(prefix, seq) };
  }

  /** Runs the commit of a reserved number once every lower number of its prefix here has settled. */
  async inOrder<T>(reservation: TicketReservation, commit: () => Promise<T>): Promise<T> {
    const taken = this.outstandingOf(reservation.prefix);
    for (;;) {
      const lower = [...taken].filter(([seq]) => seq < reservation.seq).map(([, entry]) => entry.settled);
      if (lower.length === 0) break;
      // A released lower number may be taken again by a newer start: look again after they settle.
      await Promise.all(lower);
    }
    const result = await commit();
    this.committed.set(reservation.prefix, Math.max(this.committed.get(reservation.prefix) ?? 0, reservation.seq));
    return result;
  }

  /** The start is done with its number: committed, refused or failed. Idempotent. */
  release(reservation: TicketReservation): void {
    const taken = this.outstandingOf(reservation.prefix);
    const entry = taken.get(reservation.seq);
    if (!entry) return;
    taken.delete(reservation.seq);
    entry.settle();
  }

  /** Numbers reserved and not yet released (tests). */
  pending(prefix: string): number[] {
    return [...this.outstandingOf(prefix).keys()].sort((a, b) => a - b);
  }

  private outstandingOf(prefix: string): Map<number, Outstanding> {
    let taken = this.outstanding.get(prefix);
    if (!taken) {
      taken = new Map();
      this.outstanding.set(prefix, taken);
    }
    return taken;
  }
}

export { TicketNumberTakenError };
