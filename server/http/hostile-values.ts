import { findHostileValue, type HostileValue } from '../contracts/json-values.js';
import { InvalidInputError } from '../errors.js';

/** The walk itself is pure and lives with the contracts (variablesSchema runs it too); these are its HTTP edges. */
export { findHostileValue, type HostileValue };

/** `field: message` for an error text; the field is `(body)` when the whole value is at fault. */
export function hostileValueText(found: HostileValue): string {
  return `${found.path || '(body)'}: ${found.message}`;
}

/** Express middleware before every route: a NUL (`%00`) in the path or query is a 400, whatever the store. */
export function refuseNulInUrl(req: { originalUrl: string }, _res: unknown, next: (err?: unknown) => void): void {
  if (!/%00/i.test(req.originalUrl) && !req.originalUrl.includes('\u0000')) return next();
  next(new InvalidInputError('The address must not contain the NUL character (%00)'));
}

/** Express middleware after a JSON body parser: a hostile value anywhere in the body is a 400 naming it. */
export function refuseHostileBody(req: { body?: unknown }, _res: unknown, next: (err?: unknown) => void): void {
  const found = req.body === undefined ? null : findHostileValue(req.body);
  if (!found) return next();
  const text = hostileValueText(found);
  next(new InvalidInputError(`Invalid request body: ${text}`, [{ elementId: null, message: text }]));
}
