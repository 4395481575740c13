/** The verification's shape is part of the API (the replay viewer and auditors read it): see contracts/audit.ts. */
export type { AuditBreak, AuditBreakKind, AuditVerification } from '../contracts/audit.js';
