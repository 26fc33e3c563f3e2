import { Busboy, type BusboyHeaders, type BusboyInstance } from '@fastify/busboy';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { IncomingHttpHeaders } from 'node:http';
import { ApiError } from '../api-error.js';

/** What a multipart form may carry besides small text fields: file inputs (by name) read as text, up to `fileBytes`
 *  each, and text fields up to `fieldBytes` each (busboy's default is 1 MB). */
export interface MultipartLimits {
  files?: string[];
  fileBytes?: number;
  fieldBytes?: number;
}

/** A file or field cut off at its limit, by request: the route answers 413 with the form, not a page about the request. */
const truncated = new WeakMap<object, string>();

/** The name of the file or field of this request's form that was cut off at its limit, if any. */
export function truncatedField(req: FastifyRequest): string | undefined {
  return truncated.get(req.raw);
}

/** The names uploaded files had on the sender's disk, by request and field: a library's extension says its format. */
const fileNames = new WeakMap<object, Record<string, string>>();

/** The name the file of field `field` had when it was uploaded with this request (cut to 100 characters), if any. */
export function uploadedName(req: FastifyRequest, field: string): string | undefined {
  return fileNames.get(req.raw)?.[field];
}

/**
 * Reads a multipart/form-data body (RFC 7578) with busboy: text fields, and the files `limits.files` names as UTF-8
 * text (or Windows-1252, what older reference managers write, when the bytes are not UTF-8). Any other file is refused.
 * A file or field past its limit is reported to `onTruncated` (its name), and the route decides. A name given more
 * than once (checkboxes) gives the list of its values, as an urlencoded form does.
 */
export function parseMultipartFields(body: Buffer, headers: IncomingHttpHeaders, limits: MultipartLimits = {}, onTruncated: (name: string) => void = () => {},
  onFileName: (field: string, name: string) => void = () => {}): Promise<Record<string, string | string[]>> {
  return new Promise((resolve, reject) => {
    let form: BusboyInstance;
    const files = limits.files ?? [];
    try {
      form = new Busboy({ headers: headers as BusboyHeaders, limits: { files: files.length, fields: MAX_FIELDS, fileSize: limits.fileBytes, fieldSize: limits.fieldBytes } });
    } catch (err) {
      return reject(bad((err as Error).message));
    }
    const fields: Record<string, string | string[]> = {};
    form.on('field', (name: string, value: string, _nameTruncated: boolean, valueTruncated: boolean) => {
      if (valueTruncated) onTruncated(name);
      const had = fields[name];
      fields[name] = had === undefined ? value : [...[had].flat(), value];
    });
    form.on('file', (name: string, stream: NodeJS.ReadableStream & { truncated?: boolean }, filename?: string) => {
      if (!files.includes(name)) {
        stream.resume();
        return reject(bad(`unexpected file field ${name}`));
      }
      if (filename) onFileName(name, filename.replace(/[\0-\x1f\x7f]/g, '').split(/[\\/]/).pop()!.slice(0, 100));
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('limit', () => onTruncated(name));
      stream.on('end', () => { fields[name] = decodeText(Buffer.concat(chunks)); });
    });
    form.on('filesLimit', () => reject(bad('only text fields are accepted')));
    form.on('fieldsLimit', () => reject(bad('too many fields')));
    form.on('error', (err: Error) => reject(bad(err.message)));
    form.on('finish', () => resolve(fields));
    form.end(body);
  });
}

/** Fields a form may send: every category checkbox of the sign-up form checked, and the rest (the schema then says
 *  which limit a field passed, rather than the reader refusing the form). */
const MAX_FIELDS = 400;

/** Bytes of an uploaded text file as a string: UTF-8 (a BOM dropped), else Windows-1252. */
function decodeText(bytes: Buffer): string {
  try {
    return new TextDecoder('utf-8', { fatal: true, ignoreBOM: false }).decode(bytes);
  } catch {
    return new TextDecoder('windows-1252').decode(bytes);
  }
}

/** Lets the routes of this plugin accept multipart/form-data forms of text fields (and the files `limits` names). */
export function acceptMultipartFields(app: FastifyInstance, bodyLimit: number, limits: MultipartLimits = {}): void {
  app.addContentTypeParser('multipart/form-data', { parseAs: 'buffer', bodyLimit }, (req, body, done) => {
    const onFileName = (field: string, name: string) => fileNames.set(req.raw, { ...fileNames.get(req.raw), [field]: name });
    parseMultipartFields(body as Buffer, req.headers, limits, (name) => truncated.set(req.raw, name), onFileName)
      .then((fields) => done(null, fields), (err: Error) => done(err, undefined));
  });
}

function bad(message: string): ApiError {
  return new ApiError(400, 'invalid_body', `Cannot read the form: ${message}`);
}
