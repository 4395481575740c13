/** The verified / altered badge: the replay payload's verification of the audit chain, in words. */
import type { ReplayVerification as Verification } from '../../../server/contracts/replay.js';
import type { Translate } from '../../../server/i18n/languages.js';

export interface Badge {
  state: 'verified' | 'altered';
  text: string;
  /** The longer explanation (hover). */
  detail: string;
}

export function verificationBadge(verification: Verification, t: Translate): Badge {
  if (verification.valid || !verification.firstInvalid) {
    const sealed = verification.checkpoint
      ? t('replay:badge.sealed', { seq: verification.checkpoint.seq, id: verification.checkpoint.id, at: verification.checkpoint.at })
      : t('replay:badge.unsealed');
    return { state: 'verified', text: t('replay:badge.verified'), detail: t('replay:badge.verifiedDetail', { events: verification.events, sealed }) };
  }
  const { seq, kind, reason } = verification.firstInvalid;
  // seq 0: the checkpoints themselves are at fault, not one event.
  return { state: 'altered', text: seq > 0 ? t('replay:badge.altered', { reason, seq }) : t('replay:badge.alteredCheckpoints', { reason }), detail: `${kind}: ${reason}` };
}
