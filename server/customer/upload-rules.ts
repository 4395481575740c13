import { InvalidInputError, PayloadTooLargeError } from '../errors.js';
import type { UploadField } from './form-fields.js';

/** A file as received from the customer. */
export interface ReceivedFile {
  field: string;
  filename: string;
  contentType: string;
  data: Buffer;
  /** The upload went over the size limit and was cut. */
  truncated: boolean;
}

export const MAX_UPLOAD_BYTES = 5 * 1024 * 1024;

/** Accepted types, each with the bytes its files start with: a declared type alone proves nothing. */
const TYPES: Record<string, (data: Buffer) => boolean> = {
  'image/png': (data) => data.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])),
  'image/jpeg': (data) => data[0] === 0xff && data[1] === 0xd8 && data[2] === 0xff,
  'image/webp': (data) => data.subarray(0, 4).toString('latin1') === 'RIFF' && data.subarray(8, 12).toString('latin1') === 'WEBP',
  'application/pdf': (data) => data.subarray(0, 5).toString('latin1') === '%PDF-',
};

export const ACCEPTED_UPLOAD_TYPES = Object.keys(TYPES);

/** Throws 413 for a file over MAX_UPLOAD_BYTES, 400 for a missing required file or one of another type. */
export function checkUpload(field: UploadField, file: ReceivedFile | null): void {
  const name = field.label ?? field.id;
  if (!file || file.data.length === 0) throw new InvalidInputError(`${name}: please attach a file`, [{ elementId: null, message: `${field.id}: is required` }]);
  if (file.truncated || file.data.length > MAX_UPLOAD_BYTES) throw new PayloadTooLargeError(`${name}: the file is larger than ${MAX_UPLOAD_BYTES / 1024 / 1024} MB`);
  const matches = TYPES[file.contentType];
  if (!matches || !matches(file.data)) {
    throw new InvalidInputError(`${name}: only photos (PNG, JPEG, WebP) and PDF documents can be sent`, [{ elementId: null, message: `${field.id}: wrong file type` }]);
  }
}
