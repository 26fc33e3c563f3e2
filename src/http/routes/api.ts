import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { ContextPart } from '../../context.js';
import { localDayHour } from '../../digest/due.js';
import type { LibraryReader } from '../../library/citation.js';
import { librarySummary } from '../../store/library.js';
import { LIBRARY_BODY_LIMIT, libraryAnswer, otherFieldsWithinLimit, librarySentence, readLibraryField } from '../library.js';
import { subscriptionBody } from '../schemas.js';
import type { Subscriptions } from '../../signup/subscriptions.js';

const errorShape = z.object({ error: z.object({ code: z.string(), message: z.string(), field: z.string().optional() }) });

/** What a library sent with a sign-up came to (matching read the store; nothing is stored before confirmation). */
const libraryShape = z.object({
  sentence: z.string().meta({ description: 'The answer in words: "Matched 212 of 340 entries to papers Paperboy knows; 128 more kept as text examples; 3 entries skipped (no title)."' }),
  entries: z.number().int().meta({ description: 'Usable entries (references not skipped)' }),
  matched: z.number().int().meta({ description: 'Entries matched to a stored paper (by arXiv id, then DOI, then title)' }),
  text: z.number().int().meta({ description: 'Entries kept as text examples (a title, no stored paper yet)' }),
  waiting: z.number().int().meta({ description: 'Entries with an id or DOI but no title, and no stored paper yet: linked when it is stored' }),
  undated: z.number().int().meta({ description: 'Entries the export gave no date added (date-added, timestamp)' }),
  uploadDay: z.boolean().meta({ description: 'True when the export gave no date added at all: the whole library counts as added on the sign-up day' }),
  skipped: z.array(z.object({ where: z.string(), reason: z.string() })).meta({ description: 'References not used, each with the line or entry and why' }),
});

/** What the JSON API needs: the store, two settings, sign-up and the library reader. */
export interface ApiRouteDeps {
  ctx: ContextPart<'db', 'DEFAULT_TIMEZONE' | 'INSTANCE_NAME'>;
  subs: Subscriptions;
  libraries: LibraryReader;
}

/** JSON API: sign-up. */
export const apiRoutes = ({ ctx, subs, libraries }: ApiRouteDeps): FastifyPluginAsyncZod => async (app) => {
  app.post('/api/subscriptions', {
    bodyLimit: LIBRARY_BODY_LIMIT, preValidation: otherFieldsWithinLimit,
    schema: {
      summary: 'Sign up; a confirmation mail follows unless the address is already active', tags: ['api'],
      consumes: ['application/json', 'application/x-www-form-urlencoded'],
      body: subscriptionBody,
      response: { 202: z.object({ status: z.literal('pending'), library: libraryShape.optional() }), 400: errorShape, 413: errorShape, 415: errorShape, 429: errorShape },
    },
  }, async (req, reply) => {
    const { library: text, ...rest } = req.body;
    const read = await readLibraryField(libraries, { pasted: text }, localDayHour(new Date(), rest.timezone ?? ctx.config.DEFAULT_TIMEZONE).date);
    await subs.subscribe({ ...rest, ...(read && { library: read.entries }) });
    // The same answer for new, pending and active addresses: nothing is revealed about who is subscribed.
    if (!read) return reply.status(202).send({ status: 'pending' });
    const answer = libraryAnswer(read, librarySummary(ctx.db, read.entries));
    return reply.status(202).send({ status: 'pending', library: { sentence: librarySentence(answer, ctx.config.INSTANCE_NAME), ...answer } });
  });
};
