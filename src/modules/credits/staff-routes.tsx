import type { FastifyInstance, FastifyReply, FastifyRequest, preHandlerHookHandler } from 'fastify';
import type { CreditKind } from '../../platform/db/schema';
import { idParam, RuleViolation } from '../../platform/errors';
import { parseForm } from '../../platform/forms';
import type { FormErrors, FormValues } from '../../platform/views/context';
import type { Web } from '../../platform/web';
import { allow, type StaffAction } from '../../platform/policy';
import type { MembersService } from '../members/service';
import { sendCreditFile } from './routes';
import { rejectSchema, staffCreditSchema, templatesSchema } from './schemas';
import type { CreditsService } from './service';
import { ReasonTemplatesPage, ReviewPage, ReviewQueuePage, StaffCreditPage } from './staff-views';
import { KINDS } from './views';

/** Rows per page of the review queue: a screenful a clerk works through, not all 5,000. */
const QUEUE_PAGE = 100;

export function creditStaffRoutes(app: FastifyInstance, deps: { web: Web; credits: CreditsService; members: MembersService; requireStaff: preHandlerHookHandler }) {
  const { web, credits, members, requireStaff } = deps;
  const guard = (action: StaffAction) => ({ preHandler: [requireStaff, allow(action)] });
  const ctxOf = (req: FastifyRequest, reply: FastifyReply) => web.context(req, reply, 'staff');

  const queue = async (req: FastifyRequest<{ Querystring: { kind?: string; age?: string; page?: string } }>, reply: FastifyReply, message?: string, status = 200) => {
    const kind = KINDS.includes(req.query.kind as CreditKind) ? (req.query.kind as CreditKind) : undefined;
    const age = req.query.age === '7' || req.query.age === '14' ? req.query.age : '';
    const page = /^\d{1,4}$/.test(req.query.page ?? '') ? Math.max(1, Number(req.query.page)) : 1;
    const [rows, total] = await Promise.all([
      credits.reviewQueue({ kind, minAgeDays: age ? Number(age) : undefined }, QUEUE_PAGE + 1, (page - 1) * QUEUE_PAGE), credits.pendingCount(),
    ]);
    return web.render(reply, <ReviewQueuePage ctx={ctxOf(req, reply)} rows={rows.slice(0, QUEUE_PAGE)} total={total} filters={{ kind: kind ?? '', age }} message={message}
      page={page} pageSize={QUEUE_PAGE} hasMore={rows.length > QUEUE_PAGE} />, status);
  };

  app.get<{ Querystring: { kind?: string; age?: string; page?: string } }>('/staff/credits', guard('credits.view'), (req, reply) => queue(req, reply));

  app.post('/staff/credits/bulk-approve', guard('credits.review'), async (req, reply) => {
    const raw = (req.body as { ids?: string | string[] } | undefined)?.ids;
    const ids = (Array.isArray(raw) ? raw : raw ? [raw] : []).slice(0, 500).map((v) => idParam(String(v), 'credit'));
    if (ids.length === 0) return queue(req as FastifyRequest<{ Querystring: Record<string, string> }>, reply, req.t('staff.bulkNone'), 400);
    await credits.bulkApprove(web.actor(req), ids);
    return web.redirect(reply, '/staff/credits', 'staff.bulkApproved');
  });

  const review = async (req: FastifyRequest<{ Params: { id: string } }>, reply: FastifyReply, extra: { errors?: Record<string, 'staff.reasonRequired' | 'error.tooLong' | 'error.invalidChars' | 'error.required'>; values?: Record<string, string>; message?: string; status?: number } = {}) => {
    const record = await credits.getForStaff(idParam(req.params.id, 'credit'));
    const member = await members.getById(record.credit.member_id);
    return web.render(reply, <ReviewPage ctx={ctxOf(req, reply)} record={record} member={member} templates={await credits.rejectTemplates()} errors={extra.errors}
      values={extra.values} message={extra.message} />, extra.status ?? 200);
  };

  app.get<{ Params: { id: string } }>('/staff/credits/:id', guard('credits.view'), (req, reply) => review(req, reply));

  app.post<{ Params: { id: string } }>('/staff/credits/:id/approve', guard('credits.review'), async (req, reply) => {
    try {
      await credits.decide(web.actor(req), idParam(req.params.id, 'credit'), { approve: true });
    } catch (err) {
      if (!(err instanceof RuleViolation) || err.code === 'not_found') throw err;
      return review(req, reply, { message: req.t(err.key, err.params), status: err.status });
    }
    return web.redirect(reply, '/staff/credits', 'staff.approved');
  });

  app.post<{ Params: { id: string } }>('/staff/credits/:id/reject', guard('credits.review'), async (req, reply) => {
    const form = parseForm(rejectSchema, req.body);
    if (!form.ok) return review(req, reply, { errors: form.errors as never, values: form.values, status: 400 });
    try {
      await credits.decide(web.actor(req), idParam(req.params.id, 'credit'), { approve: false, reason: form.data.reason });
    } catch (err) {
      if (!(err instanceof RuleViolation) || err.code === 'not_found') throw err;
      return review(req, reply, { message: req.t(err.key, err.params), values: form.values, status: err.status });
    }
    return web.redirect(reply, '/staff/credits', 'staff.rejected');
  });

  app.get('/staff/credits/reasons', guard('credits.view'), async (req, reply) =>
    web.render(reply, <ReasonTemplatesPage ctx={ctxOf(req, reply)} values={{ templates: (await credits.rejectTemplates()).join('\n') }} />));

  app.post('/staff/credits/reasons', guard('credits.editReasons'), async (req, reply) => {
    const form = parseForm(templatesSchema, req.body);
    if (!form.ok) return web.render(reply, <ReasonTemplatesPage ctx={ctxOf(req, reply)} values={form.values} errors={form.errors} />, 400);
    await credits.setRejectTemplates(web.actor(req), form.data.templates);
    return web.redirect(reply, '/staff/credits/reasons', 'staff.reasonsSaved');
  });

  app.get<{ Params: { fileId: string } }>('/staff/credits/files/:fileId', guard('credits.view'), async (req, reply) => {
    const file = await credits.fileForStaff(idParam(req.params.fileId, 'file'));
    return sendCreditFile(reply, file, credits.openFile(file));
  });

  // ── 事務局: a credit added by hand for a member (単位コード, 活動日, credits, reason), from the member page ───
  const creditForm = async (req: FastifyRequest, reply: FastifyReply, number: string, values: FormValues, errors?: FormErrors) =>
    web.render(reply, <StaffCreditPage ctx={ctxOf(req, reply)} member={await members.getByNumber(number)} values={values} errors={errors} />, errors ? 400 : 200);

  app.get<{ Params: { number: string } }>('/staff/members/:number/credits/new', guard('credits.addStaffCredit'), (req, reply) => creditForm(req, reply, req.params.number, {}));

  app.post<{ Params: { number: string } }>('/staff/members/:number/credits/new', guard('credits.addStaffCredit'), async (req, reply) => {
    const form = parseForm(staffCreditSchema, req.body);
    if (!form.ok) return creditForm(req, reply, req.params.number, form.values, form.errors);
    const member = await members.getByNumber(req.params.number);
    try {
      await credits.addStaffCredit(web.actor(req), member.id, form.data);
    } catch (err) {
      if (err instanceof RuleViolation && err.key === 'm360.creditCodeUnknown') return creditForm(req, reply, req.params.number, form.values, { code: err.key });
      throw err;
    }
    return web.redirect(reply, `/staff/members/${member.member_number}`, 'm360.creditAdded');
  });
}
