/**
 * A mail server that refuses (451 at DATA, 421 at connect, then nothing listening) and comes back: every
 * queued mail goes out once it returns, none lost, none twice; the outbox shows failed, then sent
 * (decisions/0023). The retry delay is shortened through its documented setting; the production schedule
 * is proved from the same constants in job-retry.test.ts.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../test/app';
import { textOf } from '../../test/client';
import { createMember } from '../../test/factories';
import { jobsIdle } from '../../test/jobs-idle';
import { signInStaff } from '../../test/sign-in';
import { JOB_RETRY } from '../job-retry';
import { MAIL_JOB } from './mailer';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp({ JOBS_RETRY_DELAY_SECONDS: '1' });
});
afterAll(() => t.close());

const rows = (ids: number[]) => t.db.selectFrom('mails').select(['id', 'status', 'attempts', 'last_error']).where('id', 'in', ids).orderBy('id').execute();

/** Waits (polling, up to a deadline) until every mail's outbox row satisfies `ok`; the failure shows the rows. */
async function until(what: string, ids: number[], ok: (r: Awaited<ReturnType<typeof rows>>[number]) => boolean, timeoutMs = 30_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const now = await rows(ids);
    if (now.length === ids.length && now.every(ok)) return now;
    if (Date.now() > deadline) throw new Error(`${what}: ${JSON.stringify(now)}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

describe('a mail server that refuses, then comes back', () => {
  it('queues with the production retry limit and cap, and the shortened first delay', async () => {
    const { sql } = await import('kysely');
    const queue = await sql<{ retry_limit: number; retry_delay: number; retry_backoff: boolean; retry_delay_max: number; heartbeat_seconds: number }>`
      SELECT retry_limit, retry_delay, retry_backoff, retry_delay_max, heartbeat_seconds FROM pgboss.queue WHERE name = ${MAIL_JOB}`.execute(t.db);
    expect(queue.rows[0]).toEqual({ retry_limit: JOB_RETRY.retryLimit, retry_delay: 1, retry_backoff: true, retry_delay_max: JOB_RETRY.retryDelayMax, heartbeat_seconds: t.config.jobs.heartbeatSeconds });
  });

  it('451, 421, connection refused: each mail failed, then delivered exactly once when the server returns', async () => {
    const members = await Promise.all([0, 1, 2].map((i) => createMember(t.db, { member_number: String(198100 + i), email: `outage-${i}@example.jp` })));
    const port = t.mail.port;
    t.mail.refusing = true;
    for (const m of members) await t.services.auth.sendResetLink({ type: 'system', id: null }, m.id, 'ja');
    const ids = (await t.db.selectFrom('mails').select('id').where('to_address', 'like', 'outage-%').orderBy('id').execute()).map((r) => r.id);
    expect(ids).toHaveLength(3);

    // 451 after DATA: the outbox says failed, with the server's answer; the business change stands.
    await until('refused at DATA', ids, (r) => r.status === 'failed' && r.attempts >= 1 && /451/.test(r.last_error ?? ''));
    const { c } = await signInStaff(t);
    const page = textOf((await c.get(`/staff/members/${members[0]!.member_number}/mails/${ids[0]}`)).body);
    expect(page).toContain('送信失敗');
    expect(page).toContain('try again later');

    // 421 at connection, then nothing listening at all.
    t.mail.refusing = false;
    t.mail.refusingConnections = true;
    const seen = Math.max(...(await rows(ids)).map((r) => r.attempts));
    await until('refused at connect', ids, (r) => r.attempts > seen && /421/.test(r.last_error ?? ''));
    await t.mail.stop();
    t.mail.refusingConnections = false;
    const seen2 = Math.max(...(await rows(ids)).map((r) => r.attempts));
    await until('connection refused', ids, (r) => r.attempts > seen2 && /ECONNREFUSED/.test(r.last_error ?? ''));
    expect(t.mail.received.filter((m) => m.to.startsWith('outage-'))).toHaveLength(0);

    // Back on its address: every mail goes out, once.
    await t.mail.start(port);
    const sent = await until('delivered', ids, (r) => r.status === 'sent' && r.last_error === null);
    for (const m of members) await t.mail.waitFor(m.email, 'パスワード');
    // Every delivery job due or running has finished: a second copy would be at the server by now. (A batch-mate's
    // retry due later finds its mail sent and skips it.)
    await jobsIdle(t);
    for (const m of members) expect(t.mail.count(m.email)).toBe(1);
    expect(sent.every((r) => r.attempts >= 4)).toBe(true);
    expect(textOf((await c.get(`/staff/members/${members[0]!.member_number}/mails/${ids[0]}`)).body)).toContain('送信済み');
  }, 60_000);
});
