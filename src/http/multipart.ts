import type { FastifyInstance } from 'fastify';
import { ApiError } from './errors.js';

/**
 * Reads the text fields of a small multipart/form-data body (RFC 7578). Files are refused: the only
 * multipart senders here are mail providers doing RFC 8058 one-click unsubscribes, which SHOULD use it.
 */
export function parseMultipartFields(body: string, contentType: string): Record<string, string> {
  const boundary = /boundary=(?:"([^"]+)"|([^;\s]+))/i.exec(contentType);
  if (!boundary) throw bad('the multipart body has no boundary');
  const fields: Record<string, string> = {};
  const parts = body.split(`--${boundary[1] ?? boundary[2]}`);
  if (parts.length < 3 || !/^--\s*$/.test(parts[parts.length - 1])) throw bad('the multipart body is not terminated');
  for (const part of parts.slice(1, -1)) {
    const split = part.indexOf('\r\n\r\n');
    if (split < 0) throw bad('a multipart part has no headers');
    const headers = part.slice(0, split);
    const name = /content-disposition:\s*form-data;\s*name="([^"]*)"/i.exec(headers)?.[1];
    if (name === undefined || /filename=/i.test(headers)) throw bad('only text fields are accepted');
    fields[name] = part.slice(split + 4).replace(/\r\n$/, '');
  }
  return fields;
}

/** Lets the routes of this plugin accept multipart/form-data forms of text fields. */
export function acceptMultipartFields(app: FastifyInstance, bodyLimit: number): void {
  app.addContentTypeParser('multipart/form-data', { parseAs: 'string', bodyLimit }, (req, body, done) => {
    try {
      done(null, parseMultipartFields(body as string, req.headers['content-type'] ?? ''));
    } catch (err) {
      done(err as Error, undefined);
    }
  });
}

function bad(message: string): ApiError {
  return new ApiError(400, 'invalid_body', `Cannot read the form: ${message}`);
}
