import type { FastifyInstance, FastifyReply, FastifyRequest, preHandlerHookHandler } from 'fastify';
import { attachmentHeader } from '../../platform/csv';
import type { Application, ApplicationFile, ApplicationType } from '../../platform/db/schema';
import { idParam, notFound, RuleViolation } from '../../platform/errors';
import { parseForm } from '../../platform/forms';
import { UPLOADED_FILE_CSP } from '../../platform/uploads';
import type { FormErrors, FormValues } from '../../platform/views/context';
import type { Web } from '../../platform/web';
import { allow, type StaffAction } from '../../platform/policy';
import type { BillingService } from '../billing/service';
import { fullName, type MembersService } from '../members/service';
import { initialSchema, paperEntrySchema, reasonSchema, renewalSchema, typeSchema, withdrawalSchema } from './schemas';
import type { ApplicationsService, DraftInput } from './service';
import {
  ApplicationPage, CertificateQueuePage, InitialFormPage, RefusedPage, RenewalFormPage, StaffApplicationPage, SubmittedPage, TypePage, WithdrawalFormPage,
  WithdrawConfirmPage, WithdrawnPage,
} from './views';

/** Multipart bodies (attachFieldsToBody): a file has toBuffer(). */
interface MultipartFile { type: 'file'; filename: string; toBuffer(): Promise<Buffer> }

function sendFile(reply: FastifyReply, file: ApplicationFile, stream: NodeJS.ReadableStream) {
  return reply
    .header('content-type', file.content_type)
    .header('content-disposition', attachmentHeader(file.original_name, file.content_type === 'application/pdf' ? 'attachment' : 'inline'))
    .header('content-security-policy', UPLOADED_FILE_CSP)
    .header('cache-control', 'private, no-store')
    .send(stream);
}

const APPLICATION_NO = /^SN-\d{1,10}$/;
const TYPES: ApplicationType[] = ['initial', 'renewal', 'withdrawal'];

/** The form's values from a stored record, to edit it. */
function valuesOf(a: Application): FormValues {
  const v: FormValues = {};
  const put = (k: string, value: string | number | null) => { if (value !== null && value !== '') v[k] = String(value); };
  put('baseQualification', a.base_qualification);
  put('baseQualificationNumber', a.base_qualification_number);
  put('baseQualificationYear', a.base_qualification_year);
  put('basePeriodStart', a.base_period_start);
  put('basePeriodEnd', a.base_period_end);
  v.abroad = a.abroad ? 'yes' : 'no';
  put('abroadDepartedOn', a.abroad_departed_on);
  if (a.abroad) v.abroadStatus = a.abroad_ongoing ? 'ongoing' : 'returned';
  put('abroadReturnedOn', a.abroad_returned_on);
  put('licenceDate', a.licence_date);
  put('aclsValidUntil', a.acls_valid_until);
  put('withdrawalReason', a.withdrawal_reason);
  put('withdrawalReasonOther', a.withdrawal_reason_other);
  return v;
}

function parseDraft(type: ApplicationType, body: unknown): { ok: true; input: DraftInput } | { ok: false; errors: FormErrors; values: FormValues } {
  if (type === 'renewal') {
    const form = parseForm(renewalSchema, body);
    return form.ok ? { ok: true, input: { type, data: form.data } } : form;
  }
  if (type === 'withdrawal') {
    const form = parseForm(withdrawalSchema, body);
    return form.ok ? { ok: true, input: { type, data: form.data } } : form;
  }
  const form = parseForm(initialSchema, body);
  return form.ok ? { ok: true, input: { type, data: form.data } } : form;
}

export function applicationRoutes(app: FastifyInstance, deps: {
  web: Web; applications: ApplicationsService; billing: BillingService; members: MembersService; requireMember: preHandlerHookHandler; requireStaff: preHandlerHookHandler;
}) {
  const { web, applications, billing, members, requireMember, requireStaff } = deps;
  const guarded = { preHandler: requireMember };
  const noOf = (raw: string) => {
    if (!APPLICATION_NO.test(raw)) throw notFound('application');
    return raw;
  };

  /** The form of a 申請区分, blank or with the member's input (and errors, 400), for a new record or an edit. */
  const formPage = async (req: FastifyRequest, reply: FastifyReply, type: ApplicationType, opts: { action: string; edit: boolean; values: FormValues; errors?: FormErrors; message?: string; status?: number }) => {
    const ctx = web.context(req, reply);
    const cancel = opts.edit ? opts.action.replace(/\/edit$/, '') : '/profile/detail';
    const common = { ctx, action: opts.action, errors: opts.errors, values: opts.values, cancel };
    let page;
    if (type === 'renewal') {
      const cycle = await applications.cycleFor(req.member!.id);
      if (!cycle) throw new RuleViolation('applications.notTarget', {}, 'invalid_state');
      page = <RenewalFormPage {...common} cycle={cycle} title={ctx.t(opts.edit ? 'applications.renewalEditTitle' : 'applications.renewalTitle')} />;
    } else if (type === 'withdrawal') {
      page = <WithdrawalFormPage {...common} title={ctx.t(opts.edit ? 'applications.withdrawalEditTitle' : 'applications.withdrawalTitle')} />;
    } else {
      page = <InitialFormPage {...common} title={ctx.t(opts.edit ? 'applications.initialEditTitle' : 'applications.initialTitle')} />;
    }
    return web.render(reply, page, opts.status ?? (opts.errors ? 400 : 200));
  };

  // ── 「新規」 → 申請区分 → 「次へ」 → the form → 「保存」 ────────────────────────────────────────────
  app.get<{ Querystring: { type?: string } }>('/applications/new', guarded, async (req, reply) => {
    const values: FormValues = TYPES.includes(req.query.type as ApplicationType) ? { type: req.query.type! } : {};
    return web.render(reply, <TypePage ctx={web.context(req, reply)} values={values} />);
  });

  app.post('/applications/new', guarded, async (req, reply) => {
    const form = parseForm(typeSchema, req.body);
    if (!form.ok) return web.render(reply, <TypePage ctx={web.context(req, reply)} errors={form.errors} values={form.values} />, 400);
    return reply.redirect(`/applications/new/${form.data.type}`, 303);
  });

  app.get<{ Params: { type: string } }>('/applications/new/:type', guarded, async (req, reply) => {
    const type = req.params.type as ApplicationType;
    if (!TYPES.includes(type)) throw notFound('application type');
    return formPage(req, reply, type, { action: `/applications/new/${type}`, edit: false, values: {} });
  });

  app.post<{ Params: { type: string } }>('/applications/new/:type', guarded, async (req, reply) => {
    const type = req.params.type as ApplicationType;
    if (!TYPES.includes(type)) throw notFound('application type');
    const action = `/applications/new/${type}`;
    const parsed = parseDraft(type, req.body);
    if (!parsed.ok) return formPage(req, reply, type, { action, edit: false, values: parsed.values, errors: parsed.errors });
    await applications.createDraft(web.actor(req), req.member!.id, parsed.input);
    return web.redirect(reply, '/profile/detail', type === 'withdrawal' ? 'applications.withdrawalSaved' : 'applications.saved');
  });

  // ── One record by 申請番号 ─────────────────────────────────────────────────────────────────────
  app.get<{ Params: { no: string } }>('/applications/:no', guarded, async (req, reply) => {
    const view = await applications.getForMember(req.member!.id, noOf(req.params.no));
    const status = view.application.type === 'renewal' ? await applications.renewalStatus(req.member!.id) : undefined;
    return web.render(reply, <ApplicationPage ctx={web.context(req, reply)} view={view} events={view.events} status={status} />);
  });

  // ── 留学: 在籍証明書 (copy), the credit proofs' upload rules ─────────────────────────────────────────
  app.post<{ Params: { no: string } }>('/applications/:no/files', guarded, async (req, reply) => {
    const no = noOf(req.params.no);
    const raw = ((req.body ?? {}) as Record<string, unknown>).file;
    const file = (Array.isArray(raw) ? raw : [raw]).find((f): f is MultipartFile => (f as MultipartFile)?.type === 'file');
    try {
      const data = file ? await file.toBuffer() : Buffer.alloc(0);
      await applications.attachCertificate(web.actor(req), req.member!.id, no, { data, name: file?.filename ?? '' });
    } catch (err) {
      if (!(err instanceof RuleViolation) || err.code === 'not_found') throw err;
      if (err.code === 'unavailable') req.log.error({ key: err.key }, 'upload not stored');
      const view = await applications.getForMember(req.member!.id, no);
      const status = await applications.renewalStatus(req.member!.id);
      return web.render(reply, <ApplicationPage ctx={web.context(req, reply)} view={view} events={view.events} status={status} uploadError={req.t(err.key, err.params)} />, err.status);
    }
    return web.redirect(reply, `/applications/${no}`, 'applications.certificateUploaded');
  });

  app.get<{ Params: { no: string; fileId: string } }>('/applications/:no/files/:fileId', guarded, async (req, reply) => {
    const file = await applications.fileForMember(req.member!.id, noOf(req.params.no), idParam(req.params.fileId, 'file'));
    return sendFile(reply, file, applications.openFile(file));
  });

  app.get<{ Params: { no: string } }>('/applications/:no/edit', guarded, async (req, reply) => {
    const view = await applications.getForMember(req.member!.id, noOf(req.params.no));
    if (view.application.status !== 'draft' || view.readOnly) throw new RuleViolation(view.readOnly ? 'applications.readOnly' : 'applications.wrongState', {}, 'conflict');
    return formPage(req, reply, view.application.type, { action: `/applications/${view.application.application_no}/edit`, edit: true, values: valuesOf(view.application) });
  });

  app.post<{ Params: { no: string } }>('/applications/:no/edit', guarded, async (req, reply) => {
    const view = await applications.getForMember(req.member!.id, noOf(req.params.no));
    const no = view.application.application_no;
    const parsed = parseDraft(view.application.type, req.body);
    if (!parsed.ok) return formPage(req, reply, view.application.type, { action: `/applications/${no}/edit`, edit: true, values: parsed.values, errors: parsed.errors });
    await applications.update(web.actor(req), req.member!.id, no, parsed.input);
    return web.redirect(reply, `/applications/${no}`, 'applications.updated');
  });

  app.post<{ Params: { no: string } }>('/applications/:no/delete', guarded, async (req, reply) => {
    await applications.delete(web.actor(req), req.member!.id, noOf(req.params.no));
    return web.redirect(reply, '/profile/detail', 'applications.deleted');
  });

  // ── STEP④ 「専門医資格更新申請」 ──────────────────────────────────────────────────────────────
  app.post<{ Params: { no: string } }>('/applications/:no/submit', guarded, async (req, reply) => {
    const result = await applications.submit(web.actor(req), req.member!.id, noOf(req.params.no), req.locale);
    if (result.outcome === 'refused') {
      return web.render(reply, <RefusedPage ctx={web.context(req, reply)} application={result.application} eligibility={result.eligibility} />, 409);
    }
    return reply.redirect(`/applications/${result.application.application_no}/submitted`, 303);
  });

  app.get<{ Params: { no: string } }>('/applications/:no/submitted', guarded, async (req, reply) => {
    const view = await applications.getForMember(req.member!.id, noOf(req.params.no));
    const a = view.application;
    if (!['submitted', 'completed', 'submitted_for_review'].includes(a.status)) return reply.redirect(`/applications/${a.application_no}`, 303);
    const invoice = a.invoice_id ? (await billing.listForMember(req.member!.id)).find((v) => v.invoice.id === a.invoice_id)?.invoice : undefined;
    return web.render(reply, <SubmittedPage ctx={web.context(req, reply)} view={view}
      invoice={invoice ? { controlNo: invoice.control_no, amount: invoice.amount, dueOn: invoice.due_on } : undefined} />);
  });

  // ── 辞退: 「専門医認定辞退申請」 → OK → 辞退申請完了 → 閉じる ────────────────────────────────────────
  app.get<{ Params: { no: string } }>('/applications/:no/withdraw', guarded, async (req, reply) => {
    const view = await applications.getForMember(req.member!.id, noOf(req.params.no));
    if (view.application.type !== 'withdrawal') throw notFound('application');
    if (view.application.status === 'withdrawn') return reply.redirect(`/applications/${view.application.application_no}/withdrawn`, 303);
    return web.render(reply, <WithdrawConfirmPage ctx={web.context(req, reply)} view={view} />);
  });

  app.post<{ Params: { no: string } }>('/applications/:no/withdraw', guarded, async (req, reply) => {
    const no = noOf(req.params.no);
    try {
      await applications.withdraw(web.actor(req), req.member!.id, no, req.locale);
    } catch (err) {
      if (!(err instanceof RuleViolation) || err.code === 'not_found') throw err;
      const view = await applications.getForMember(req.member!.id, no);
      return web.render(reply, <WithdrawConfirmPage ctx={web.context(req, reply)} view={view} message={req.t(err.key, err.params)} />, err.status);
    }
    return reply.redirect(`/applications/${no}/withdrawn`, 303);
  });

  app.get<{ Params: { no: string } }>('/applications/:no/withdrawn', guarded, async (req, reply) => {
    const view = await applications.getForMember(req.member!.id, noOf(req.params.no));
    if (view.application.status !== 'withdrawn') return reply.redirect(`/applications/${view.application.application_no}`, 303);
    return web.render(reply, <WithdrawnPage ctx={web.context(req, reply)} view={view} />);
  });

  // ── 事務局: the certificates to verify, one application, 「確認済みにする」 / 「再提出を依頼」 ───────────────
  const staffGuard = (action: StaffAction) => ({ preHandler: [requireStaff, allow(action)] });
  app.get('/staff/applications', staffGuard('applications.view'), async (req, reply) => {
    const views = await applications.certificatesToVerify();
    const found = await members.byIds(views.map((v) => v.application.member_id));
    const names = new Map([...found].map(([id, m]) => [id, { member_number: m.member_number, name: fullName(m) }]));
    return web.render(reply, <CertificateQueuePage ctx={web.context(req, reply, 'staff')} views={views} members={names} />);
  });

  const staffPage = async (req: FastifyRequest, reply: FastifyReply, id: number, opts: { errors?: FormErrors; values?: FormValues; message?: string; status?: number } = {}) => {
    const view = await applications.getForStaff(id);
    const member = await members.getById(view.application.member_id);
    return web.render(reply, <StaffApplicationPage ctx={web.context(req, reply, 'staff')} view={view} {...opts}
      memberLink={{ href: `/staff/members/${member.member_number}`, label: `${member.member_number} ${fullName(member)}` }} />, opts.status ?? 200);
  };

  app.get<{ Params: { id: string } }>('/staff/applications/:id', staffGuard('applications.view'), async (req, reply) => staffPage(req, reply, idParam(req.params.id, 'application')));

  app.post<{ Params: { id: string } }>('/staff/applications/:id/verify', staffGuard('applications.verify'), async (req, reply) => {
    const id = idParam(req.params.id, 'application');
    await applications.verifyCertificate(web.actor(req), id);
    return web.redirect(reply, `/staff/applications/${id}`, 'applications.certificateVerified');
  });

  app.post<{ Params: { id: string } }>('/staff/applications/:id/request-certificate', staffGuard('applications.verify'), async (req, reply) => {
    const id = idParam(req.params.id, 'application');
    const form = parseForm(reasonSchema, req.body);
    if (!form.ok) return staffPage(req, reply, id, { errors: { requestReason: form.errors.reason! }, values: { requestReason: form.values.reason ?? '' }, status: 400 });
    await applications.requestNewCertificate(web.actor(req), id, form.data.reason);
    return web.redirect(reply, `/staff/applications/${id}`, 'm360.requested');
  });

  app.get<{ Params: { id: string; fileId: string } }>('/staff/applications/:id/files/:fileId', staffGuard('applications.view'), async (req, reply) => {
    const file = await applications.fileForStaff(idParam(req.params.id, 'application'), idParam(req.params.fileId, 'file'));
    return sendFile(reply, file, applications.openFile(file));
  });

  // ── 事務局入力（郵送）: the paper 認定更新申請書 typed for the member, its scan, 「専門医資格更新申請」 ─────────
  const paperForm = async (req: FastifyRequest, reply: FastifyReply, number: string, opts: { values: FormValues; errors?: FormErrors }) => {
    const member = await members.getByNumber(number);
    const cycle = await applications.cycleFor(member.id);
    if (!cycle) throw new RuleViolation('applications.notTarget', {}, 'invalid_state');
    const ctx = web.context(req, reply, 'staff');
    const href = `/staff/members/${member.member_number}`;
    return web.render(reply, <RenewalFormPage ctx={ctx} action={`${href}/applications/new`} title={ctx.t('m360.paperTitle')} cycle={cycle} cancel={href}
      values={opts.values} errors={opts.errors} paper={{ memberLink: { href, label: `${member.member_number} ${fullName(member)}` } }} />, opts.errors ? 400 : 200);
  };

  app.get<{ Params: { number: string } }>('/staff/members/:number/applications/new', staffGuard('applications.enterPaper'), async (req, reply) => paperForm(req, reply, req.params.number, { values: {} }));

  app.post<{ Params: { number: string } }>('/staff/members/:number/applications/new', staffGuard('applications.enterPaper'), async (req, reply) => {
    const form = parseForm(renewalSchema, req.body);
    const entry = parseForm(paperEntrySchema, req.body);
    if (!form.ok || !entry.ok) {
      return paperForm(req, reply, req.params.number, { values: form.values, errors: { ...(entry.ok ? {} : entry.errors), ...(form.ok ? {} : form.errors) } });
    }
    const member = await members.getByNumber(req.params.number);
    try {
      const created = await applications.createDraft(web.actor(req), member.id, { type: 'renewal', data: form.data }, { receivedOn: entry.data.receivedOn });
      return web.redirect(reply, `/staff/applications/${created.id}`, 'm360.paperSaved');
    } catch (err) {
      if (err instanceof RuleViolation && err.key === 'm360.receivedInFuture') return paperForm(req, reply, req.params.number, { values: form.values, errors: { receivedOn: err.key } });
      throw err;
    }
  });

  app.post<{ Params: { id: string } }>('/staff/applications/:id/files', staffGuard('applications.enterPaper'), async (req, reply) => {
    const id = idParam(req.params.id, 'application');
    const raw = ((req.body ?? {}) as Record<string, unknown>).file;
    const file = (Array.isArray(raw) ? raw : [raw]).find((f): f is MultipartFile => (f as MultipartFile)?.type === 'file');
    try {
      const data = file ? await file.toBuffer() : Buffer.alloc(0);
      await applications.attachPaperScan(web.actor(req), id, { data, name: file?.filename ?? '' });
    } catch (err) {
      if (!(err instanceof RuleViolation) || err.code === 'not_found') throw err;
      if (err.code === 'unavailable') req.log.error({ key: err.key }, 'upload not stored');
      return staffPage(req, reply, id, { message: req.t(err.key, err.params), status: err.status });
    }
    return web.redirect(reply, `/staff/applications/${id}`, 'm360.scanUploaded');
  });

  app.post<{ Params: { id: string } }>('/staff/applications/:id/submit', staffGuard('applications.enterPaper'), async (req, reply) => {
    const id = idParam(req.params.id, 'application');
    let result;
    try {
      result = await applications.submitForStaff(web.actor(req), id);
    } catch (err) {
      if (!(err instanceof RuleViolation) || err.code === 'not_found') throw err;
      return staffPage(req, reply, id, { message: req.t(err.key, err.params), status: err.status });
    }
    if (result.outcome === 'refused') {
      return web.render(reply, <RefusedPage ctx={web.context(req, reply, 'staff')} application={result.application} eligibility={result.eligibility} staff />, 409);
    }
    return web.redirect(reply, `/staff/applications/${id}`, 'm360.staffSubmitted');
  });

  // ── 差し戻し: a submitted renewal back to draft, with a reason the member is mailed ──────────────────
  app.post<{ Params: { id: string } }>('/staff/applications/:id/revert', staffGuard('applications.revert'), async (req, reply) => {
    const id = idParam(req.params.id, 'application');
    const form = parseForm(reasonSchema, req.body);
    if (!form.ok) return staffPage(req, reply, id, { errors: { revertReason: form.errors.reason! }, values: { revertReason: form.values.reason ?? '' }, status: 400 });
    try {
      await applications.revert(web.actor(req), id, form.data.reason);
    } catch (err) {
      if (!(err instanceof RuleViolation) || err.code === 'not_found') throw err;
      return staffPage(req, reply, id, { message: req.t(err.key, err.params), values: { revertReason: form.data.reason }, status: err.status });
    }
    return web.redirect(reply, `/staff/applications/${id}`, 'm360.reverted');
  });
}
