import type { ErrorRequestHandler } from 'express';
import type { Logger } from 'pino';

import type { ErrorBody } from '../contracts/common.js';
import { BatonError, BusyError, RateLimitedError, StoreUnavailableError } from '../errors.js';
import { STORE_RETRY_AFTER_S, type HealthState } from '../health/health-state.js';
import { storeFaultOf } from '../stores/store-faults.js';

/** The one place error codes become HTTP statuses. */
export const HTTP_STATUS: Record<string, number> = {
  INVALID_INPUT: 400,
  UNAUTHENTICATED: 401,
  FORBIDDEN: 403,
  NOT_FOUND: 404,
  CONFLICT: 409,
  VERSION_CONFLICT: 409,
  TICKET_CONFLICT: 409,
  PAYLOAD_TOO_LARGE: 413,
  RATE_LIMITED: 429,
  DEPLOY_INVALID: 422,
  EXPRESSION_INVALID: 422,
  INCIDENT: 422,
  NOT_ELIGIBLE: 422,
  ENGINE_FAILURE: 422,
  UNAVAILABLE: 503,
  BUSY: 503,
  STORE_UNAVAILABLE: 503,
};

export type { ErrorBody };

export function errorBody(code: string, message: string, issues: ErrorBody['error']['issues'] = []): ErrorBody {
  return { error: { code, message, issues } };
}

/**
 * The same mapping for socket acknowledgements: a command that fails answers `{ error }` and the
 * socket stays usable. Anything that is not a BatonError is a bug: logged, answered without details.
 */
export function socketError(err: unknown, logger: Logger, context: Record<string, unknown>, health?: HealthState): ErrorBody {
  if (err instanceof BatonError) return errorBody(err.code, err.message, err.issues);
  if (unstorableText(err)) return errorBody('INVALID_INPUT', UNSTORABLE_TEXT);
  const fault = storeFaultOf(err);
  if (fault) {
    health?.storeFailed(fault, err);
    return storeUnavailableBody(fault);
  }
  logger.error({ err, ...context }, 'unexpected error in a socket command');
  return errorBody('INTERNAL', 'Something went wrong on our side; it has been logged');
}

const UNSTORABLE_TEXT = 'The text contains a character that cannot be stored (such as NUL)';

/** PostgreSQL's character_not_in_repertoire (a NUL in text) and untranslatable_character (\u0000 in jsonb). */
function unstorableText(err: unknown): boolean {
  const code = (err as { code?: unknown } | null)?.code;
  return code === '22021' || code === '22P05';
}

function storeUnavailableBody(fault: string): ErrorBody {
  return errorBody('STORE_UNAVAILABLE', `Nothing was saved: ${fault}. Try again in a moment.`);
}

/** body-parser marks its errors with `type` and `status`; they are the client's fault. */
interface BodyParserError {
  type?: string;
  status?: number;
}

export function errorHandler(logger: Logger, health?: HealthState): ErrorRequestHandler {
  return (err: unknown, req, res, _next) => {
    if (res.headersSent) {
      // A streamed answer (an audit export) failed midway: no status can be sent any more; cutting
      // the connection is how the client learns the body is incomplete.
      logger.error({ err, method: req.method, url: req.originalUrl }, 'error after the response started');
      res.destroy();
      return;
    }
    if (err instanceof BatonError) {
      if (err instanceof RateLimitedError || err instanceof BusyError || err instanceof StoreUnavailableError) res.set('Retry-After', String(err.retryAfterSeconds));
      res.status(HTTP_STATUS[err.code] ?? 400).json(errorBody(err.code, err.message, err.issues));
      return;
    }
    // Text PostgreSQL cannot store (a NUL from a form, a CSV or an .ics file): the input's fault, and the statement changed nothing.
    if (unstorableText(err)) {
      res.status(400).json(errorBody('INVALID_INPUT', UNSTORABLE_TEXT));
      return;
    }
    // The disk or database failing underneath: the client may retry, the operator is told once.
    const fault = storeFaultOf(err);
    if (fault) {
      health?.storeFailed(fault, err);
      res.set('Retry-After', String(STORE_RETRY_AFTER_S)).status(503).json(storeUnavailableBody(fault));
      return;
    }
    const parserError = err as BodyParserError;
    if (parserError?.type === 'entity.too.large') {
      res.status(413).json(errorBody('PAYLOAD_TOO_LARGE', 'The request body is too large'));
      return;
    }
    if (parserError?.type === 'entity.parse.failed') {
      res.status(400).json(errorBody('INVALID_INPUT', 'The request body is not valid JSON'));
      return;
    }
    if (typeof parserError?.status === 'number' && parserError.status >= 400 && parserError.status < 500) {
      res.status(parserError.status).json(errorBody('INVALID_INPUT', 'The request could not be read'));
      return;
    }
    logger.error({ err, method: req.method, url: req.originalUrl }, 'unexpected error');
    res.status(500).json(errorBody('INTERNAL', 'Something went wrong on our side; it has been logged'));
  };
}
