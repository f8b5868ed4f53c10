import { AsyncLocalStorage } from 'node:async_hooks';
import crypto from 'node:crypto';
import type { FastifyBaseLogger, FastifyInstance } from 'fastify';

/**
 * What a unit of work (an HTTP request, a job) carries through its async calls without passing it along:
 * its request id, and the logger whose lines carry it. Jobs queued during the request take the id with
 * them (platform/jobs.ts), and the job's mail delivery logs and stores it (platform/mail/mailer.ts), so one
 * id follows a change from the request to the job to the mail.
 */
export interface WorkContext {
  requestId: string;
  log?: FastifyBaseLogger;
}

const storage = new AsyncLocalStorage<WorkContext>();

export function runWithContext<T>(context: WorkContext, fn: () => T): T {
  return storage.run(context, fn);
}

export function currentContext(): WorkContext | undefined {
  return storage.getStore();
}

export const REQUEST_ID_HEADER = 'x-request-id';

/** A proxy's id is kept only when it looks like one: no spaces, quotes or newlines to forge log lines with. */
const WELL_FORMED = /^[A-Za-z0-9._:-]{8,128}$/;

/**
 * The request's id: the X-Request-Id of a trusted proxy (production sits behind one, `trustProxy`) when
 * well-formed, otherwise a fresh UUID. Outside production nobody is trusted to choose it.
 */
export function requestIdFor(header: string | string[] | undefined, trusted: boolean): string {
  const value = Array.isArray(header) ? header[0] : header;
  return trusted && value && WELL_FORMED.test(value) ? value : crypto.randomUUID();
}

/**
 * Every request runs in its own context (the rest of its hooks and its handler are called inside it) and
 * answers with its id in X-Request-Id, so a member's report of a failure can be found in the logs.
 */
export function installRequestContext(app: FastifyInstance): void {
  app.addHook('onRequest', (req, reply, done) => {
    reply.header(REQUEST_ID_HEADER, req.id);
    runWithContext({ requestId: req.id, log: req.log }, done);
  });
}
