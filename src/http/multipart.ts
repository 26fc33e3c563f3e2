import { Busboy, type BusboyHeaders, type BusboyInstance } from '@fastify/busboy';
import type { FastifyInstance } from 'fastify';
import type { IncomingHttpHeaders } from 'node:http';
import { ApiError } from './errors.js';

/**
 * Reads the text fields of a small multipart/form-data body (RFC 7578) with busboy. Files are refused:
 * the only multipart senders here are mail providers doing RFC 8058 one-click unsubscribes, which SHOULD use it.
 */
export function parseMultipartFields(body: Buffer, headers: IncomingHttpHeaders): Promise<Record<string, string>> {
  return new Promise((resolve, reject) => {
    let form: BusboyInstance;
    try {
      form = new Busboy({ headers: headers as BusboyHeaders, limits: { files: 0, fields: 20 } });
    } catch (err) {
      return reject(bad((err as Error).message));
    }
    const fields: Record<string, string> = {};
    form.on('field', (name: string, value: string) => { fields[name] = value; });
    form.on('filesLimit', () => reject(bad('only text fields are accepted')));
    form.on('fieldsLimit', () => reject(bad('too many fields')));
    form.on('error', (err: Error) => reject(bad(err.message)));
    form.on('finish', () => resolve(fields));
    form.end(body);
  });
}

/** Lets the routes of this plugin accept multipart/form-data forms of text fields. */
export function acceptMultipartFields(app: FastifyInstance, bodyLimit: number): void {
  app.addContentTypeParser('multipart/form-data', { parseAs: 'buffer', bodyLimit }, (req, body, done) => {
    parseMultipartFields(body as Buffer, req.headers).then((fields) => done(null, fields), (err: Error) => done(err, undefined));
  });
}

function bad(message: string): ApiError {
  return new ApiError(400, 'invalid_body', `Cannot read the form: ${message}`);
}
