import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from './app';
import { createMember } from './factories';
import { jobsIdle } from './jobs-idle';

/**
 * jobsIdle is what every "nothing more happened" assertion stands on: if it resolved too early, those tests could
 * not fail. Its deadlines here are short on purpose (the helper's own timeout, not a sleep).
 */
let t: TestApp;
beforeAll(async () => {
  // A failed delivery's first retry 30–60 s later: it never comes during this file.
  t = await createTestApp({ JOBS_RETRY_DELAY_SECONDS: '60' });
});
afterAll(() => t.close());

describe('jobsIdle', () => {
  it('waits for a running job to finish, and names it when it does not', async () => {
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    let started = false;
    let finished = false;
    await t.jobs.work('test.held', async () => {
      started = true;
      await gate;
      finished = true;
    });
    await t.jobs.send('test.held', {});
    await expect.poll(() => started).toBe(true);
    await expect(jobsIdle(t, { timeoutMs: 300 })).rejects.toThrow(/test\.held: 1 active/);
    release();
    await jobsIdle(t);
    expect(finished).toBe(true);
  });

  it('waits for a job nobody has taken yet; a queue the test leaves unworked can be ignored', async () => {
    await t.jobs.send('test.unworked', { n: 1 });
    await expect(jobsIdle(t, { timeoutMs: 300 })).rejects.toThrow(/test\.unworked: 1 created/);
    await jobsIdle(t, { ignoreQueues: ['test.unworked'] });
  });

  it('resolves once a queued mail is at the SMTP server, and takes the database alone as well', async () => {
    const m = await createMember(t.db, { member_number: '170951' });
    await t.services.auth.sendResetLink({ type: 'system', id: null }, m.id, 'ja');
    await jobsIdle(t.db, { ignoreQueues: ['test.unworked'] });
    expect(t.mail.count(m.email)).toBe(1);
    expect((await t.db.selectFrom('mails').select('status').where('member_id', '=', m.id).executeTakeFirstOrThrow()).status).toBe('sent');
  });

  it('does not wait for a retry due later, unless asked to', async () => {
    const m = await createMember(t.db, { member_number: '170952' });
    t.mail.refusing = true;
    try {
      await t.services.auth.sendResetLink({ type: 'system', id: null }, m.id, 'ja');
      await expect.poll(async () => (await t.db.selectFrom('mails').select('status').where('member_id', '=', m.id).executeTakeFirstOrThrow()).status).toBe('failed');
      await jobsIdle(t, { ignoreQueues: ['test.unworked'] });
      await expect(jobsIdle(t, { includeDelayed: true, ignoreQueues: ['test.unworked'], timeoutMs: 300 })).rejects.toThrow(/mail\.deliver: 1 retry/);
    } finally {
      t.mail.refusing = false;
    }
  });
});
