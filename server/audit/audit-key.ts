import { createHash, randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';

import { InvalidInputError } from '../errors.js';

/** The secret that signs audit checkpoints. Never logged; `id` names it in checkpoints and logs. */
export interface AuditKey {
  secret: Buffer;
  /** First 16 hex digits of sha256(secret): tells "signed with another key" from "altered". */
  id: string;
}

export interface AuditKeySettings {
  /** BATON_AUDIT_KEY: the secret itself. */
  key: string | null;
  /** BATON_AUDIT_KEY_FILE, or the default beside (not inside) the data directory. */
  keyFile: string;
  /** False when keyFile is the default: a missing default file is generated, a missing given one is an error. */
  keyFileGiven: boolean;
  dataDir: string;
}

export interface LoadedAuditKey {
  key: AuditKey;
  /** What start-up should warn about (a generated key, a key kept with the data). */
  warnings: string[];
}

export const MIN_KEY_LENGTH = 32;

export function auditKeyOf(secret: string | Buffer): AuditKey {
  const buffer = typeof secret === 'string' ? Buffer.from(secret, 'utf8') : secret;
  return { secret: buffer, id: createHash('sha256').update(buffer).digest('hex').slice(0, 16) };
}

/**
 * The key from configuration: BATON_AUDIT_KEY, else the key file. Without either, a random key is
 * generated into the default file (mode 0600 in a 0700 directory) and start-up warns: a key that
 * sits next to the database, or in its backups, would let whoever can rewrite the log re-sign it.
 */
export function loadAuditKey(settings: AuditKeySettings, options: { generate: boolean } = { generate: true }): LoadedAuditKey {
  const warnings: string[] = [];
  if (settings.key !== null) return { key: auditKeyOf(settings.key), warnings };
  const file = path.resolve(settings.keyFile);
  if (!existsSync(file)) {
    if (settings.keyFileGiven) throw new InvalidInputError(`BATON_AUDIT_KEY_FILE ${file} does not exist`);
    // A verifier must never mint a key: every checkpoint would then look forged.
    if (!options.generate) throw new InvalidInputError(`no audit key: ${file} does not exist and BATON_AUDIT_KEY is not set`);
    mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
    // 'wx': two nodes starting at once must not overwrite each other's fresh key.
    try {
      writeFileSync(file, `${randomBytes(32).toString('hex')}\n`, { flag: 'wx', mode: 0o600 });
      chmodSync(file, 0o600);
      warnings.push(`generated a new audit key in ${file}: keep it out of database backups, or set BATON_AUDIT_KEY / BATON_AUDIT_KEY_FILE`);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    }
  }
  const secret = readFileSync(file, 'utf8').trim();
  if (secret.length < MIN_KEY_LENGTH) throw new InvalidInputError(`the audit key in ${file} is shorter than ${MIN_KEY_LENGTH} characters`);
  if (isInside(file, settings.dataDir)) {
    warnings.push(`the audit key ${file} is inside the data directory: whoever copies or edits the database can re-sign checkpoints`);
  }
  return { key: auditKeyOf(secret), warnings };
}

/** The default key file: a sibling of the data directory (`./data` → `./data-keys/audit.key`). */
export function defaultKeyFile(dataDir: string): string {
  const resolved = path.resolve(dataDir);
  return path.join(path.dirname(resolved), `${path.basename(resolved)}-keys`, 'audit.key');
}

function isInside(file: string, dir: string): boolean {
  const relative = path.relative(path.resolve(dir), file);
  return relative !== '' && !relative.startsWith('..') && !path.isAbsolute(relative);
}
