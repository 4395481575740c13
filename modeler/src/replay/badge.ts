/** The verified / altered badge: the replay payload's verification of the audit chain, in words. */
import type { ReplayVerification as Verification } from '../../../server/contracts/replay.js';

export interface Badge {
  state: 'verified' | 'altered';
  text: string;
  /** The longer explanation (hover). */
  detail: string;
}

export function verificationBadge(verification: Verification): Badge {
  if (verification.valid || !verification.firstInvalid) {
    const sealed = verification.checkpoint
      ? `sealed up to event ${verification.checkpoint.seq} by checkpoint ${verification.checkpoint.id} (${verification.checkpoint.at})`
      : 'no checkpoint has sealed it yet: the hash chain alone was checked';
    return { state: 'verified', text: 'Verified', detail: `All ${verification.events} events match their hash chain; ${sealed}.` };
  }
  const { seq, kind, reason } = verification.firstInvalid;
  // seq 0: the checkpoints themselves are at fault, not one event.
  return { state: 'altered', text: seq > 0 ? `Altered: ${reason} at event ${seq}` : `Altered: ${reason}`, detail: `${kind}: ${reason}` };
}
