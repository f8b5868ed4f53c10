import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hashToken } from '../../platform/security/tokens';
import { createTestApp, type TestApp } from '../../test/app';
import { seedCreditRules, signInStaff } from '../../test/sign-in';
import { TestClient, textOf } from '../../test/client';
import { createMember, TEST_PASSWORD } from '../../test/factories';
import { requestHash } from './service';

let t: TestApp;
let numberSeq = 170000;
let keySeq = 0;

beforeAll(async () => {
  t = await createTestApp();
  t.clock.set(new Date('2026-11-23T10:00:00+09:00'));
  await seedCreditRules(t);
});
afterAll(() => t.close());

async function staffClient(role: 'staff' | 'admin') {
  return (await signInStaff(t, { role })).c;
}

let admin: TestClient;
const tokenIn = (html: string) => html.match(/data-testid="api-token">(kst_[A-Za-z0-9_-]+)</)?.[1];

/** Issues a token through the admin page; returns the secret shown once. */
async function issueToken(name = 'e-Learning Provider') {
  admin ??= await staffClient('admin');
  const res = await admin.submit('/staff/api-tokens', '/staff/api-tokens', { name });
  expect(res.statusCode).toBe(200);
  const token = tokenIn(res.body);
  expect(token).toMatch(/^kst_[A-Za-z0-9_-]{43}$/);
  return token!;
}

const member = async () => createMember(t.db, { member_number: String(++numberSeq) });
const newKey = () => `key-${++keySeq}-${Date.now()}`;

/** `key: null` sends no Idempotency-Key header. */
function post(token: string | undefined, body: unknown, key: string | null = newKey(), headers: Record<string, string> = {}) {
  return t.app.inject({
    method: 'POST', url: '/api/v1/credits',
    headers: {
      'content-type': 'application/json',
      ...(token ? { authorization: `Bearer ${token}` } : {}),
      ...(key !== null ? { 'idempotency-key': key } : {}),
      ...headers,
    },
    payload: typeof body === 'string' ? body : JSON.stringify(body),
  });
}

const body = (memberNumber: string, over: Record<string, unknown> = {}) =>
  ({ memberNumber, creditCode: 'EL2025-1', activityDate: '2026-10-01', externalId: `ext-${++keySeq}`, ...over });

function expectProblem(res: Awaited<ReturnType<typeof post>>, status: number, slug?: string) {
  expect(res.statusCode, res.body).toBe(status);
  expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
  const p = res.json() as { type: string; title: string; status: number; detail: string; instance: string; errors?: { pointer: string; detail: string }[] };
  expect(p.status).toBe(status);
  expect(p.title).toBeTruthy();
  expect(p.detail).toBeTruthy();
  expect(p.instance).toMatch(/^urn:uuid:[0-9a-f-]{36}$/);
  if (slug) expect(p.type).toBe(`http://koushin.test/api/problems/${slug}`);
  return p;
}

const creditsWith = (externalId: string) => t.db.selectFrom('credits').selectAll().where('external_id', '=', externalId).execute();

describe('API連携トークン (admin page)', () => {
  it('issues a token shown once, stores only its hash, lists it by prefix, and audits it', async () => {
    const token = await issueToken('Acme e-Learning');
    const row = await t.db.selectFrom('api_tokens').selectAll().where('name', '=', 'Acme e-Learning').executeTakeFirstOrThrow();
    expect(row.token_hash).toBe(hashToken(token));
    expect(row.token_prefix).toBe(token.slice(0, 8));
    expect(Object.values(row).map(String)).not.toContain(token);
    expect(JSON.stringify(row)).not.toContain(token.slice(8));

    const list = await admin.get('/staff/api-tokens');
    expect(list.statusCode).toBe(200);
    expect(list.body).not.toContain(token);
    expect(tokenIn(list.body)).toBeUndefined();
    expect(textOf(list.body)).toContain('Acme e-Learning');
    expect(textOf(list.body)).toContain(`${token.slice(0, 8)}…`);
    expect(textOf(list.body)).toContain('未使用');

    const audits = await t.db.selectFrom('audit_log').selectAll().where('action', '=', 'api_token.created').where('subject_id', '=', String(row.id)).execute();
    expect(audits).toHaveLength(1);
    expect(audits[0]!.actor_type).toBe('staff');
    expect(JSON.stringify(audits[0])).not.toContain(token);
  });

  it('requires a name', async () => {
    admin ??= await staffClient('admin');
    const res = await admin.submit('/staff/api-tokens', '/staff/api-tokens', { name: '  ' });
    expect(res.statusCode).toBe(400);
    expect(textOf(res.body)).toContain('名称を入力してください');
    expect(tokenIn(res.body)).toBeUndefined();
  });

  it('is for administrators only: a staff member gets 403 and no tab', async () => {
    const staff = await staffClient('staff');
    const home = await staff.get('/staff');
    expect(home.body).not.toContain('href="/staff/api-tokens"');
    expect((await staff.get('/staff/api-tokens')).statusCode).toBe(403);
    await staff.get('/staff');
    const tries = await staff.post('/staff/api-tokens', { name: 'sneaky' });
    expect(tries.statusCode).toBe(403);
    expect(await t.db.selectFrom('api_tokens').select('id').where('name', '=', 'sneaky').execute()).toHaveLength(0);

    admin ??= await staffClient('admin');
    expect((await admin.get('/staff')).body).toContain('href="/staff/api-tokens"');
  });
});

describe('POST /api/v1/credits', () => {
  let token: string;
  beforeAll(async () => {
    token = await issueToken('Main provider');
  });

  it('records an approved e-learning credit that the member sees in the ledger', async () => {
    const m = await member();
    const b = body(m.member_number);
    const res = await post(token, b);
    expect(res.statusCode, res.body).toBe(201);
    const json = res.json() as Record<string, unknown>;
    expect(json).toEqual({ controlNo: expect.stringMatching(/^TN-\d+$/), memberNumber: m.member_number, creditCode: 'EL2025-1', credits: 2, activityDate: '2026-10-01', status: 'approved' });
    expect(Object.keys(json)).toEqual(['controlNo', 'memberNumber', 'creditCode', 'credits', 'activityDate', 'status']);

    const [credit] = await creditsWith(b.externalId);
    expect(credit).toMatchObject({ member_id: m.id, source: 'elearning', status: 'approved', credits: 2, control_no: json.controlNo });
    const events = await t.db.selectFrom('credit_events').selectAll().where('credit_id', '=', credit!.id).execute();
    const tokenRow = await t.db.selectFrom('api_tokens').selectAll().where('token_hash', '=', hashToken(token)).executeTakeFirstOrThrow();
    expect(events).toMatchObject([{ actor_type: 'system', actor_id: tokenRow.id, action: 'create', to_status: 'approved' }]);
    expect(tokenRow.last_used_at).not.toBeNull();
    const audit = await t.db.selectFrom('audit_log').selectAll().where('action', '=', 'api.credit_posted').where('subject_id', '=', String(json.controlNo)).executeTakeFirstOrThrow();
    expect(audit).toMatchObject({ actor_type: 'system', actor_id: tokenRow.id, member_id: m.id });

    const c = new TestClient(t.app);
    expect((await c.submit('/login', '/login', { memberNumber: m.member_number, password: TEST_PASSWORD })).statusCode).toBe(303);
    const ledger = textOf((await c.get('/credits')).body);
    expect(ledger).toContain(String(json.controlNo));
    expect(ledger).toContain('eラーニング');
    const { transcript } = await t.services.credits.transcript(m.id);
    expect(JSON.stringify(transcript)).toContain(String(json.controlNo));
  });

  it('replays the stored response for the same key and body, recording nothing more', async () => {
    const m = await member();
    const key = newKey();
    const fullWidth = m.member_number.replace(/\d/g, (d) => String.fromCharCode(d.charCodeAt(0) + 0xfee0));
    const b = body(fullWidth);
    const first = await post(token, b, key);
    expect(first.statusCode, first.body).toBe(201);
    expect((first.json() as { memberNumber: string }).memberNumber).toBe(m.member_number);
    const again = await post(token, b, key);
    expect(again.statusCode).toBe(201);
    expect(again.body).toBe(first.body);
    expect(again.headers['idempotent-replayed']).toBe('true');
    // The same request written with half-width digits is the same request.
    const halfWidth = await post(token, { ...b, memberNumber: m.member_number }, key);
    expect(halfWidth.statusCode).toBe(201);
    expect(halfWidth.body).toBe(first.body);
    expect(await creditsWith(b.externalId)).toHaveLength(1);
    expect(await t.db.selectFrom('api_requests').selectAll().where('idempotency_key', '=', key).execute()).toHaveLength(1);
  });

  it('refuses the same key with a different body (422)', async () => {
    const m = await member();
    const key = newKey();
    const b = body(m.member_number);
    expect((await post(token, b, key)).statusCode).toBe(201);
    const p = expectProblem(await post(token, { ...b, externalId: `${b.externalId}-other` }, key), 422, 'idempotency-key-reused');
    expect(p.detail).toMatch(/different request body/);
    expect(await creditsWith(`${b.externalId}-other`)).toHaveLength(0);
  });

  it('records an externalId once (409 with another key)', async () => {
    const m = await member();
    const b = body(m.member_number);
    expect((await post(token, b)).statusCode).toBe(201);
    expectProblem(await post(token, b, newKey()), 409, 'duplicate-external-id');
    expect(await creditsWith(b.externalId)).toHaveLength(1);
  });

  it('records once when the same request arrives many times at once', async () => {
    const m = await member();
    const key = newKey();
    const b = body(m.member_number);
    const sameKey = await Promise.all(Array.from({ length: 6 }, () => post(token, b, key)));
    expect(sameKey.map((r) => r.statusCode).filter((s) => s === 201).length).toBeGreaterThanOrEqual(1);
    for (const r of sameKey) expect([201, 409]).toContain(r.statusCode);
    const created = new Set(sameKey.filter((r) => r.statusCode === 201).map((r) => r.body));
    expect(created.size).toBe(1);
    const otherKeys = await Promise.all(Array.from({ length: 4 }, () => post(token, { ...b, externalId: `${b.externalId}-race` })));
    expect(otherKeys.map((r) => r.statusCode).sort()).toEqual([201, 409, 409, 409]);
    expect(await creditsWith(b.externalId)).toHaveLength(1);
    expect(await creditsWith(`${b.externalId}-race`)).toHaveLength(1);
  });

  it('answers 409 while a key is being processed, and lets a retry take over a key whose request died', async () => {
    const m = await member();
    const key = newKey();
    const b = body(m.member_number);
    const tokenRow = await t.db.selectFrom('api_tokens').select('id').where('token_hash', '=', hashToken(token)).executeTakeFirstOrThrow();
    await t.db.insertInto('api_requests').values({ token_id: tokenRow.id, idempotency_key: key, request_hash: requestHash(b), created_at: t.clock.now() }).execute();
    expectProblem(await post(token, b, key), 409, 'idempotency-key-in-progress');
    expectProblem(await post(token, { ...b, externalId: 'other' }, key), 422, 'idempotency-key-reused');
    t.clock.advance(61_000);
    const retried = await post(token, b, key);
    expect(retried.statusCode, retried.body).toBe(201);
    expect(await creditsWith(b.externalId)).toHaveLength(1);
  });

  it('answers 404 for an unknown member, and the key stays free for a corrected request', async () => {
    const key = newKey();
    const p = expectProblem(await post(token, body('199999'), key), 404, 'member-not-found');
    expect(p.detail).toContain('199999');
    const m = await member();
    expect((await post(token, body(m.member_number), key)).statusCode).toBe(201);
  });

  it('answers 422 for an unknown credit code or a future date', async () => {
    const m = await member();
    expectProblem(await post(token, body(m.member_number, { creditCode: 'NO-SUCH-CODE' })), 422, 'unknown-credit-code');
    expectProblem(await post(token, body(m.member_number, { activityDate: '2026-11-24' })), 422, 'activity-date-in-future');
    expectProblem(await post(token, body(m.member_number, { creditCode: 'JCS90' })), 422, 'credit-code-not-elearning');
    expect(await t.db.selectFrom('credits').select('id').where('member_id', '=', m.id).execute()).toHaveLength(0);
  });

  it('answers 400 with the invalid fields listed for a bad body, and for bad JSON or a missing key', async () => {
    const bad = expectProblem(await post(token, { memberNumber: '023456', creditCode: '', activityDate: '2026-02-30', externalId: 'x'.repeat(201) }), 400, 'invalid-request');
    expect(bad.errors?.map((e) => e.pointer).sort()).toEqual(['#/activityDate', '#/creditCode', '#/externalId', '#/memberNumber']);
    const missing = expectProblem(await post(token, {}), 400, 'invalid-request');
    expect(missing.errors).toHaveLength(4);
    expect(missing.errors?.[0]?.detail).toBe('is required');
    const notObject = expectProblem(await post(token, '[1,2]'), 400, 'invalid-request');
    expect(notObject.errors?.[0]?.pointer).toBe('#/');
    expectProblem(await post(token, '{"memberNumber": '), 400, 'invalid-request');
    expectProblem(await post(token, body('170001'), null), 400, 'idempotency-key-missing');
    expectProblem(await post(token, body('170001'), ''), 400, 'idempotency-key-missing');
    expectProblem(await post(token, body('170001'), 'key\twith-tab'), 400, 'invalid-request');
    expectProblem(await post(token, body('170001'), 'k'.repeat(201)), 400, 'invalid-request');
    expectProblem(await post(token, 'memberNumber=170001', newKey(), { 'content-type': 'application/x-www-form-urlencoded' }), 415, 'unsupported-media-type');
    expectProblem(await post(token, { ...body('170001'), externalId: 'x'.repeat(20_000) }), 413, 'payload-too-large');
  });

  it('answers 401 with WWW-Authenticate for a missing, unknown or revoked token', async () => {
    const m = await member();
    const none = await post(undefined, body(m.member_number));
    expectProblem(none, 401, 'unauthorized');
    expect(none.headers['www-authenticate']).toMatch(/^Bearer/);
    const basic = await post(undefined, body(m.member_number), newKey(), { authorization: 'Basic dXNlcjpwYXNz' });
    expectProblem(basic, 401, 'unauthorized');
    const unknown = await post('kst_not-a-real-token-at-all', body(m.member_number));
    expectProblem(unknown, 401, 'unauthorized');
    expect(unknown.headers['www-authenticate']).toMatch(/^Bearer .*error="invalid_token"/);
    // An unauthenticated caller is told so even when its body is garbage.
    expectProblem(await post(undefined, '{oops'), 401, 'unauthorized');

    const doomed = await issueToken('Doomed provider');
    expect((await post(doomed, body(m.member_number))).statusCode).toBe(201);
    const row = await t.db.selectFrom('api_tokens').selectAll().where('token_hash', '=', hashToken(doomed)).executeTakeFirstOrThrow();
    await admin.get('/staff/api-tokens');
    const revoked = await admin.post(`/staff/api-tokens/${row.id}/revoke`, {});
    expect(revoked.statusCode).toBe(303);
    expect(textOf((await admin.get('/staff/api-tokens')).body)).toContain('トークンを失効させました。');
    expect((await t.db.selectFrom('api_tokens').select('revoked_at').where('id', '=', row.id).executeTakeFirstOrThrow()).revoked_at).not.toBeNull();
    expect(await t.db.selectFrom('audit_log').select('id').where('action', '=', 'api_token.revoked').where('subject_id', '=', String(row.id)).execute()).toHaveLength(1);
    const after = await post(doomed, body(m.member_number));
    expectProblem(after, 401, 'unauthorized');
    expect(after.headers['www-authenticate']).toMatch(/^Bearer/);
  });

  it('limits each token to 120 requests a minute (429 problem with Retry-After)', async () => {
    const limited = await issueToken('Busy provider');
    // Requests without an Idempotency-Key are refused cheaply but still count.
    for (let i = 0; i < 120; i++) expect((await post(limited, {}, null)).statusCode).toBe(400);
    const over = await post(limited, body('170001'));
    expectProblem(over, 429, 'rate-limited');
    expect(Number(over.headers['retry-after'])).toBeGreaterThan(0);
    // Another token is not affected.
    expect((await post(token, {}, null)).statusCode).toBe(400);
  });

  it('is exempt from CSRF (a bearer token, no cookie) while member forms still need their token', async () => {
    const m = await member();
    const c = new TestClient(t.app);
    expect((await c.submit('/login', '/login', { memberNumber: m.member_number, password: TEST_PASSWORD })).statusCode).toBe(303);
    // No _csrf field, no CSRF cookie: accepted.
    expect((await post(token, body(m.member_number))).statusCode).toBe(201);
    await c.get('/profile');
    const forged = await c.post('/logout', {}, { csrf: false });
    expect(forged.statusCode).toBe(403);
    expect(forged.headers['content-type']).toMatch(/^text\/html/);
  });
});

describe('API documents and errors', () => {
  it('serves an OpenAPI 3.1 document describing the endpoint', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/api/openapi.json' });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toMatch(/^application\/json/);
    const doc = JSON.parse(res.body) as {
      openapi: string; paths: Record<string, { post?: { security: unknown[]; responses: Record<string, unknown>; parameters: { name: string }[] } }>;
      components: { securitySchemes: Record<string, { scheme: string }>; schemas: Record<string, { required?: string[] }> };
    };
    expect(doc.openapi).toBe('3.1.0');
    const op = doc.paths['/api/v1/credits']?.post;
    expect(op).toBeDefined();
    expect(op!.security).toEqual([{ bearerAuth: [] }]);
    expect(op!.parameters.map((p) => p.name)).toContain('Idempotency-Key');
    expect(Object.keys(op!.responses)).toEqual(expect.arrayContaining(['201', '400', '401', '404', '409', '422', '429']));
    expect(doc.components.securitySchemes.bearerAuth?.scheme).toBe('bearer');
    expect(doc.components.schemas.CreditPost?.required).toEqual(['memberNumber', 'creditCode', 'activityDate', 'externalId']);
    // Every $ref points at something that exists.
    for (const [, ref] of res.body.matchAll(/"\$ref":"#\/components\/(\w+\/\w+)"/g)) {
      const [kind, name] = ref!.split('/') as [keyof typeof doc.components, string];
      expect((doc.components as Record<string, Record<string, unknown>>)[kind]?.[name], ref).toBeDefined();
    }
  });

  it('answers unknown API URLs with a problem, not an HTML page, and documents problem types', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/api/v1/nothing' });
    expectProblem(res, 404, 'not-found');
    const postUnknown = await t.app.inject({ method: 'POST', url: '/api/v1/nothing', headers: { 'content-type': 'application/json' }, payload: '{}' });
    expectProblem(postUnknown, 404, 'not-found');
    const type = await t.app.inject({ method: 'GET', url: '/api/problems/duplicate-external-id' });
    expect(type.statusCode).toBe(200);
    expect(type.json()).toMatchObject({ status: 409, type: 'http://koushin.test/api/problems/duplicate-external-id' });
    expect((await t.app.inject({ method: 'GET', url: '/api/problems/constructor' })).statusCode).toBe(404);
  });
});
