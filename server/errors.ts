/**
 * Every error Baton raises on purpose is a BatonError with a stable `code`.
 * One place (http/error-handler.ts) maps codes to HTTP statuses; anything that is
 * not a BatonError is a bug and becomes a 500 without details.
 */
import type { ErrorIssue } from './contracts/common.js';

export type { ErrorIssue };

export abstract class BatonError extends Error {
  abstract readonly code: string;
  readonly issues: ErrorIssue[];

  constructor(message: string, issues: ErrorIssue[] = []) {
    super(message);
    this.name = new.target.name;
    this.issues = issues;
  }
}

/** Request body, query or payload does not have the expected shape. */
export class InvalidInputError extends BatonError {
  readonly code = 'INVALID_INPUT';
}

/** Uploaded BPMN cannot be deployed; `issues` lists every problem found. */
export class DeployValidationError extends BatonError {
  readonly code = 'DEPLOY_INVALID';
}

export class NotFoundError extends BatonError {
  readonly code = 'NOT_FOUND';
}

/** The action conflicts with the current state (task already completed, instance cancelled...). */
export class ConflictError extends BatonError {
  readonly code = 'CONFLICT';
}

/** Optimistic version check lost: another writer advanced the record first. */
export class VersionConflictError extends BatonError {
  readonly code = 'VERSION_CONFLICT';
}

/**
 * A task is not at the version the caller saw: reload and decide again. Same code as a version
 * conflict, but not a VersionConflictError, which the runner answers by replaying the step.
 */
export class TaskChangedError extends BatonError {
  readonly code = 'VERSION_CONFLICT';
}

export class PayloadTooLargeError extends BatonError {
  readonly code = 'PAYLOAD_TOO_LARGE';
}

/** A FEEL / ${} expression does not parse or cannot be evaluated. */
export class ExpressionError extends BatonError {
  readonly code = 'EXPRESSION_INVALID';
}

/** The caller is signed in but may not do this; nothing was changed. */
export class ForbiddenError extends BatonError {
  readonly code = 'FORBIDDEN';
}

/** No valid session or token came with the request (or the password was wrong). */
export class UnauthenticatedError extends BatonError {
  readonly code = 'UNAUTHENTICATED';
}

/** Too many failed sign-ins for this username from this address; try again after `retryAfterSeconds`. */
export class RateLimitedError extends BatonError {
  readonly code = 'RATE_LIMITED';

  constructor(
    message: string,
    readonly retryAfterSeconds: number,
  ) {
    super(message);
  }
}

/** The server is shutting down and takes no new work. */
export class UnavailableError extends BatonError {
  readonly code = 'UNAVAILABLE';
}

/**
 * The database cannot be reached (a PostgreSQL connection refused, reset or timed out). Nothing
 * was written; the client may try again after `retryAfterSeconds`, and the node recovers by itself
 * when the database is back.
 */
export class StoreUnavailableError extends BatonError {
  readonly code = 'STORE_UNAVAILABLE';
  readonly retryAfterSeconds = 5;

  constructor(message: string, options?: { cause?: unknown }) {
    super(message);
    if (options && 'cause' in options) this.cause = options.cause;
  }
}

/** Too much work of this kind is under way (sign-ins waiting for bcrypt); try again after `retryAfterSeconds`. */
export class BusyError extends BatonError {
  readonly code = 'BUSY';

  constructor(
    message: string,
    readonly retryAfterSeconds: number,
  ) {
    super(message);
  }
}

/** The database file is damaged (found at start or by the integrity check); the message says how to restore. */
export class StoreCorruptError extends BatonError {
  readonly code = 'STORE_CORRUPT';
}

/**
 * The ticket number a start ran with was taken meanwhile (the store's counter is not at seq-1):
 * the runner runs the start again with a fresh number; it reaches a caller only if that keeps failing.
 */
export class TicketNumberTakenError extends BatonError {
  readonly code = 'TICKET_CONFLICT';
}

/** Another Baton process holds the data directory. */
export class DataDirLockedError extends BatonError {
  readonly code = 'DATA_DIR_LOCKED';
}

/** The step could not run (a condition failed to evaluate); an incident was recorded instead. */
export class IncidentRaisedError extends BatonError {
  readonly code = 'INCIDENT';
}

/** A person named for work cannot take it (unknown technician, missing skill, fully booked); says why. */
export class NotEligibleError extends BatonError {
  readonly code = 'NOT_ELIGIBLE';
}

/**
 * bpmn-engine threw on a diagram (something deploy could not foresee): the step is refused with
 * the engine's reason and the element when known, nothing is saved.
 */
export class EngineFailureError extends BatonError {
  readonly code = 'ENGINE_FAILURE';
}
