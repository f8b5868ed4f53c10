import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../test/app';
import { TestClient } from '../test/client';
import { createMember } from '../test/factories';
import { jobsIdle } from '../test/jobs-idle';
import { MAIL_JOB } from './mail/mailer';
import { currentContext, requestIdFor, runWithContext } from './request-context';

type Line = { msg?: string; reqId?: string; job?: string; mailId?: number; [k: string]: unknown };
const lines: Line[] = [];
const sink = new Writable({
  write(chunk: Buffer, _enc, done) {
    for (const l of chunk.toString('utf8').split('\n')) if (l.trim()) lines.push(JSON.parse(l) as Line);
    done();
  },
});
let t: TestApp;

beforeAll(async () => {
  t = await createTestApp({ LOG_LEVEL: 'info' }, { logTo: sink });
});
afterAll(() => t.close());


describe('requestIdFor', () => {
  it("keeps a trusted proxy's well-formed id and makes a fresh one otherwise", () => {
    expect(requestIdFor('lb-7f3a9c21-0001', true)).toBe('lb-7f3a9c21-0001');
    expect(requestIdFor(['lb-7f3a9c21-0001', 'other'], true)).toBe('lb-7f3a9c21-0001');
    const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
    expect(requestIdFor('lb-7f3a9c21-0001', false)).toMatch(uuid);
    expect(requestIdFor(undefined, true)).toMatch(uuid);
    for (const forged of ['short', 'two words here', 'line\nbreak-0000', '"quoted"-00000', 'x'.repeat(129)]) expect(requestIdFor(forged, true)).toMatch(uuid);
  });
});

describe('one request id from the request to its job and its mail', () => {
  it('the response header, the request log line, the mail job line, the mail line and the outbox row carry the same id', async () => {
    const m = await createMember(t.db, { member_number: '170901' });
    const c = new TestClient(t.app);
    const res = await c.submit('/password/forgot', '/password/forgot', { memberNumber: m.member_number });
    const id = res.headers['x-request-id'] as string;
    expect(id).toMatch(/^[0-9a-f-]{36}$/);
    expect(lines.find((l) => l.reqId === id && l.msg === 'incoming request')).toBeDefined();
    expect(lines.find((l) => l.reqId === id && l.msg === 'request completed')).toBeDefined();

    const row = await t.db.selectFrom('mails').select(['id', 'request_id']).where('member_id', '=', m.id).executeTakeFirstOrThrow();
    expect(row.request_id).toBe(id);
    // The mail job has run (pino writes to the sink as it logs: its lines are in).
    await jobsIdle(t);
    const mailLine = lines.find((l) => l.msg === 'mail sent' && l.mailId === row.id);
    expect(mailLine).toMatchObject({ reqId: id, job: MAIL_JOB });
    const jobLine = lines.find((l) => l.msg === 'job done' && l.job === MAIL_JOB && l.reqId === id);
    expect(jobLine).toBeDefined();
    expect(jobLine!.jobId).toBe(mailLine!.jobId);
    // The mail line names the mail, never the member's address.
    expect(JSON.stringify(lines.filter((l) => l.reqId === id))).not.toContain(m.email);
  });

  it('a job queued by a job keeps the first request id; a job queued outside any request gets its own', async () => {
    const seen: (string | undefined)[] = [];
    await t.jobs.work('ops.second', async () => void seen.push(currentContext()?.requestId));
    await t.jobs.work('ops.first', async () => {
      seen.push(currentContext()?.requestId);
      await t.jobs.send('ops.second', {});
    });
    await runWithContext({ requestId: 'req-chain-0001' }, () => t.jobs.send('ops.first', {}));
    await jobsIdle(t);
    expect(seen).toEqual(['req-chain-0001', 'req-chain-0001']);

    const lone: (string | undefined)[] = [];
    await t.jobs.work('ops.lone', async () => void lone.push(currentContext()?.requestId));
    await t.jobs.send('ops.lone', {});
    await jobsIdle(t);
    expect(lone).toEqual([expect.stringMatching(/^job-/)]);
  });

  it("in production the proxy's X-Request-Id is the request's id and is returned", async () => {
    const prod = await createTestApp({ NODE_ENV: 'production', PAYMENT_GATEWAY: 'none' });
    try {
      const kept = await prod.app.inject({ method: 'GET', url: '/healthz', headers: { 'x-request-id': 'lb-7f3a9c21-0002' } });
      expect(kept.headers['x-request-id']).toBe('lb-7f3a9c21-0002');
      const forged = await prod.app.inject({ method: 'GET', url: '/healthz', headers: { 'x-request-id': 'bad id\r' } });
      expect(forged.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
    } finally {
      await prod.close();
    }
    // Outside production nobody is trusted to choose it.
    const dev = await t.app.inject({ method: 'GET', url: '/healthz', headers: { 'x-request-id': 'lb-7f3a9c21-0003' } });
    expect(dev.headers['x-request-id']).not.toBe('lb-7f3a9c21-0003');
  });
});
