import type { Request } from 'express';
import busboy from 'busboy';

import { InvalidInputError, PayloadTooLargeError } from '../errors.js';
import { MAX_UPLOAD_BYTES, type ReceivedFile } from './upload-rules.js';

const LIMITS = { fileSize: MAX_UPLOAD_BYTES, files: 5, fields: 50, fieldSize: 10_000, parts: 60 };

/**
 * Reads a multipart/form-data body (the status page's answer form, with or without JavaScript)
 * into memory within fixed limits: at most 5 files of MAX_UPLOAD_BYTES each, 50 short fields.
 * A file over the limit is marked truncated (the rules turn that into 413); going over the
 * file or field count is a 413 at once.
 */
export function readMultipart(req: Request): Promise<{ fields: Record<string, string>; files: ReceivedFile[] }> {
  const type = req.headers['content-type'] ?? '';
  if (!type.startsWith('multipart/form-data')) return Promise.reject(new InvalidInputError('Send the answer as multipart/form-data'));
  return new Promise((resolve, reject) => {
    let parser: busboy.Busboy;
    try {
      parser = busboy({ headers: req.headers, limits: LIMITS });
    } catch {
      reject(new InvalidInputError('The form could not be read'));
      return;
    }
    const fields: Record<string, string> = {};
    const files: ReceivedFile[] = [];
    let failed = false;
    const fail = (err: Error) => {
      if (failed) return;
      failed = true;
      req.unpipe(parser);
      req.resume();
      reject(err);
    };
    parser.on('field', (name, value) => {
      fields[name] = value;
    });
    parser.on('file', (field, stream, info) => {
      const chunks: Buffer[] = [];
      let file: ReceivedFile | null = null;
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      // A form cut off inside a file (no closing boundary) destroys the file's stream with
      // "Unexpected end of form": without a listener that error is uncaught and ends the process.
      stream.on('error', () => fail(new InvalidInputError('The form could not be read: it ends inside a file')));
      stream.on('limit', () => {
        if (file) file.truncated = true;
      });
      file = { field, filename: (info.filename || 'upload').slice(0, 200), contentType: info.mimeType, data: Buffer.alloc(0), truncated: false };
      stream.on('end', () => {
        if (!file) return;
        file.data = Buffer.concat(chunks);
        // A file input left empty arrives as a part without a name or bytes: no file.
        if (info.filename || file.data.length) files.push(file);
      });
    });
    parser.on('filesLimit', () => fail(new PayloadTooLargeError('Too many files in one answer')));
    parser.on('fieldsLimit', () => fail(new PayloadTooLargeError('Too many fields in one answer')));
    parser.on('partsLimit', () => fail(new PayloadTooLargeError('Too many parts in one answer')));
    parser.on('error', () => fail(new InvalidInputError('The form could not be read')));
    parser.on('close', () => {
      if (!failed) resolve({ fields, files });
    });
    req.pipe(parser);
  });
}
