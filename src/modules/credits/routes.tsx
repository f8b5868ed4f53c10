import type { FastifyInstance, FastifyReply, FastifyRequest, preHandlerHookHandler } from 'fastify';
import { attachmentHeader, toCsv } from '../../platform/csv';
import type { CreditFile, CreditKind } from '../../platform/db/schema';
import { idParam, notFound, RuleViolation } from '../../platform/errors';
import { parseForm } from '../../platform/forms';
import { UPLOADED_FILE_CSP } from '../../platform/uploads';
import type { Web } from '../../platform/web';
import { commentSchema, selfReportSchema } from './schemas';
import type { CreditsService } from './service';
import { renderTranscriptPdf } from './transcript-pdf';
import { CapReachedPage, CatalogueLookupPage, ConfirmPage, CreditRecordPage, KINDS, SelfReportFormPage, TranscriptPage } from './views';

const CONTROL_NO = /^TN-\d{1,10}$/;

/** Multipart bodies (attachFieldsToBody): a field is { value }, a file has toBuffer(). */
interface MultipartFile { type: 'file'; filename: string; toBuffer(): Promise<Buffer> }

export async function sendCreditFile(reply: FastifyReply, file: CreditFile, stream: NodeJS.ReadableStream) {
  const inline = file.content_type !== 'application/pdf';
  return reply
    .header('content-type', file.content_type)
    .header('content-disposition', attachmentHeader(file.original_name, inline ? 'inline' : 'attachment'))
    .header('content-security-policy', UPLOADED_FILE_CSP)
    .header('cache-control', 'private, no-store')
    .send(stream);
}

export function creditRoutes(app: FastifyInstance, deps: { web: Web; credits: CreditsService; requireMember: preHandlerHookHandler }) {
  const { web, credits, requireMember } = deps;
  const guarded = { preHandler: requireMember };
  const noOf = (raw: string) => {
    if (!CONTROL_NO.test(raw)) throw notFound('credit');
    return raw;
  };
  const capState = async (memberId: number) => {
    const room = await credits.selfReportRoom(memberId);
    return { ...room, reached: room.remaining <= 0 };
  };

  app.get<{ Querystring: { sort?: string } }>('/credits', guarded, async (req, reply) => {
    const { transcript, categories } = await credits.transcript(req.member!.id);
    const sort = req.query.sort === 'oldest' ? 'oldest' : 'newest';
    const capReached = transcript.selfReport.remaining <= 0;
    return web.render(reply, <TranscriptPage ctx={web.context(req, reply)} transcript={transcript} categories={categories} sort={sort} capReached={capReached} />);
  });

  app.get('/credits.csv', guarded, async (req, reply) => {
    const { transcript } = await credits.transcript(req.member!.id);
    const t = req.t;
    const csv = toCsv(
      [t('credits.col.controlNo'), t('credits.col.date'), t('credits.col.code'), t('credits.col.name'), t('credits.col.category'), t('credits.col.source'), t('credits.col.credits'), t('credits.col.counted'), t('credits.col.status'), t('credits.outsidePeriod')],
      transcript.lines.map((l) => [l.controlNo, l.activityDate, l.code, l.name, l.categoryCode, t(`credits.source.${l.source}`), l.credits, l.counted, t(`credits.status.${l.status}`), l.inPeriod ? '' : '1']),
    );
    return reply.header('content-type', 'text/csv; charset=utf-8').header('content-disposition', attachmentHeader('credits.csv')).header('cache-control', 'no-store').send(csv);
  });

  // 単位取得情報 as a PDF: the same transcript, issued now (the service's clock), for the signed-in member only.
  app.get('/credits.pdf', guarded, async (req, reply) => {
    const { transcript, categories, member, issuedAt } = await credits.transcriptDocument(req.member!.id);
    const pdf = await renderTranscriptPdf({
      transcript, categories, member, issuedAt, locale: req.locale, t: req.t, societyName: web.context(req, reply).societyName,
    });
    return reply
      .header('content-type', 'application/pdf')
      .header('content-disposition', attachmentHeader(req.locale === 'ja' ? '単位取得情報.pdf' : 'credits.pdf'))
      .header('cache-control', 'no-store')
      .send(pdf);
  });

  // ── The self-report form: choose a code (search, suggestions, lookup), then date and details ────
  const formPage = async (req: FastifyRequest<{ Querystring: { q?: string; catalogue?: string; change?: string } }>, reply: FastifyReply, opts: { action: string; title: string; values?: Record<string, string>; catalogueId?: number }) => {
    const query = typeof req.query.q === 'string' ? req.query.q.slice(0, 100) : '';
    const chosen = req.query.change ? undefined : (req.query.catalogue ? idParam(req.query.catalogue, 'catalogue') : opts.catalogueId);
    const entry = chosen ? await credits.catalogueEntry(chosen).catch(() => undefined) : undefined;
    const matches = query && !entry ? await credits.searchCatalogue({ q: query }, 20) : [];
    const usable = entry && entry.self_reportable && !entry.retired_at ? entry : undefined;
    return web.render(reply, <SelfReportFormPage ctx={web.context(req, reply)} entry={usable} query={query} matches={matches} values={opts.values ?? {}} action={opts.action} title={opts.title}
      errors={chosen && !usable ? { catalogueId: 'credits.codeInvalid' } : undefined} />, chosen && !usable ? 400 : 200);
  };

  app.get<{ Querystring: { q?: string; catalogue?: string; change?: string } }>('/credits/new', guarded, async (req, reply) => {
    const cap = await capState(req.member!.id);
    if (cap.reached) return web.render(reply, <CapReachedPage ctx={web.context(req, reply)} cap={cap.cap} used={cap.used} />, 409);
    return formPage(req, reply, { action: '/credits/new', title: req.t('credits.newTitle') });
  });

  const renderFormError = async (req: FastifyRequest, reply: FastifyReply, action: string, title: string, values: Record<string, string>, errors?: Record<string, never> | import('../../platform/views/context').FormErrors, message?: string, status = 400) => {
    const id = Number(values.catalogueId);
    const entry = Number.isInteger(id) && id > 0 && id < 2_147_483_647 ? await credits.catalogueEntry(id).catch(() => undefined) : undefined;
    return web.render(reply, <SelfReportFormPage ctx={web.context(req, reply)} entry={entry?.self_reportable && !entry.retired_at ? entry : undefined} query="" matches={[]}
      values={values} action={action} title={title} errors={errors} message={message} />, status);
  };

  app.post('/credits/new', guarded, async (req, reply) => {
    const form = parseForm(selfReportSchema, req.body);
    const title = req.t('credits.newTitle');
    if (!form.ok) return renderFormError(req, reply, '/credits/new', title, form.values, form.errors);
    try {
      const credit = await credits.createSelfReport(web.actor(req), req.member!.id, form.data);
      return web.redirect(reply, `/credits/${credit.control_no}`, 'credits.saved');
    } catch (err) {
      if (!(err instanceof RuleViolation)) throw err;
      return renderFormError(req, reply, '/credits/new', title, form.values, undefined, req.t(err.key, err.params), err.status);
    }
  });

  app.get<{ Querystring: { q?: string; kind?: string; category?: string; year?: string; return?: string } }>('/credits/catalogue', guarded, async (req, reply) => {
    const q = typeof req.query.q === 'string' ? req.query.q.slice(0, 100) : '';
    const kind = KINDS.includes(req.query.kind as CreditKind) ? (req.query.kind as CreditKind) : undefined;
    const categories = await credits.categories();
    const category = categories.some((c) => c.code === req.query.category) ? req.query.category : undefined;
    const year = /^\d{4}$/.test(req.query.year ?? '') ? Number(req.query.year) : undefined;
    const returnTo = /^\/credits\/(new|TN-\d{1,10}\/edit)$/.test(req.query.return ?? '') ? req.query.return! : '/credits/new';
    const results = await credits.searchCatalogue({ q, kind, category, year }, 100);
    return web.render(reply, <CatalogueLookupPage ctx={web.context(req, reply)} filters={{ q, kind: kind ?? '', category: category ?? '', year: year ? String(year) : '' }}
      results={results} categories={categories} returnTo={returnTo} />);
  });

  // Suggestions as the member types (public/suggest.js); the page works the same without it.
  app.get<{ Querystring: { q?: string } }>('/credits/catalogue/suggest', guarded, async (req, reply) => {
    const q = typeof req.query.q === 'string' ? req.query.q.slice(0, 100) : '';
    const rows = q.trim() ? await credits.searchCatalogue({ q }, 10) : [];
    return reply.header('cache-control', 'no-store').send(rows.map((e) => ({ id: e.id, code: e.code, name: req.locale === 'en' && e.name_en ? e.name_en : e.name_ja, credits: e.credits })));
  });

  // ── One record: 管理No page, edit, proof upload, 承認申請 → 送信, 取り消し ──────────────────────
  app.get<{ Params: { no: string } }>('/credits/:no', guarded, async (req, reply) => {
    const record = await credits.getForMember(req.member!.id, noOf(req.params.no));
    return web.render(reply, <CreditRecordPage ctx={web.context(req, reply)} record={record} />);
  });

  app.get<{ Params: { no: string }; Querystring: { q?: string; catalogue?: string; change?: string } }>('/credits/:no/edit', guarded, async (req, reply) => {
    const { credit } = await credits.getForMember(req.member!.id, noOf(req.params.no));
    const values = { activityDate: credit.activity_date, detailTitle: credit.detail_title, detailSource: credit.detail_source };
    return formPage(req, reply, { action: `/credits/${credit.control_no}/edit`, title: req.t('credits.editTitle'), values, catalogueId: credit.catalogue_id });
  });

  app.post<{ Params: { no: string } }>('/credits/:no/edit', guarded, async (req, reply) => {
    // Scoped to the member before the form is read: another member's number is a 404 whatever the body says.
    const { credit } = await credits.getForMember(req.member!.id, noOf(req.params.no));
    const no = credit.control_no;
    const action = `/credits/${no}/edit`;
    const title = req.t('credits.editTitle');
    const form = parseForm(selfReportSchema, req.body);
    if (!form.ok) return renderFormError(req, reply, action, title, form.values, form.errors);
    try {
      await credits.updateSelfReport(web.actor(req), req.member!.id, no, form.data);
      return web.redirect(reply, `/credits/${no}`, 'credits.updated');
    } catch (err) {
      if (!(err instanceof RuleViolation) || err.code === 'not_found') throw err;
      return renderFormError(req, reply, action, title, form.values, undefined, req.t(err.key, err.params), err.status);
    }
  });

  app.post<{ Params: { no: string } }>('/credits/:no/files', guarded, async (req, reply) => {
    const no = noOf(req.params.no);
    const body = (req.body ?? {}) as Record<string, unknown>;
    const raw = body.file;
    const files = (Array.isArray(raw) ? raw : raw ? [raw] : []).filter((f): f is MultipartFile => (f as MultipartFile)?.type === 'file');
    try {
      const loaded = await Promise.all(files.map(async (f) => ({ name: f.filename, data: await f.toBuffer() })));
      const chosen = loaded.filter((f) => f.data.length > 0 || f.name);
      if (chosen.length === 0) throw new RuleViolation('credits.fileEmpty', {}, 'bad_request');
      for (const f of chosen) credits.checkProof(f);
      for (const f of chosen) await credits.attachProof(web.actor(req), req.member!.id, no, f);
      return web.redirect(reply, `/credits/${no}`, 'credits.uploaded');
    } catch (err) {
      if (!(err instanceof RuleViolation) || err.code === 'not_found') throw err;
      if (err.code === 'unavailable') req.log.error({ key: err.key }, 'upload not stored');
      const record = await credits.getForMember(req.member!.id, no);
      return web.render(reply, <CreditRecordPage ctx={web.context(req, reply)} record={record} uploadError={req.t(err.key, err.params)} />, err.status);
    }
  });

  app.get<{ Params: { no: string; fileId: string } }>('/credits/:no/files/:fileId', guarded, async (req, reply) => {
    const file = await credits.fileForMember(req.member!.id, noOf(req.params.no), idParam(req.params.fileId, 'file'));
    return sendCreditFile(reply, file, credits.openFile(file));
  });

  const confirmStep = (path: 'request' | 'recall') => {
    const labels = path === 'request'
      ? { title: 'credits.requestTitle', lead: 'credits.requestLead', button: 'credits.send', done: 'credits.submitted' } as const
      : { title: 'credits.recallTitle', lead: 'credits.recallLead', button: 'credits.recall', done: 'credits.recalled' } as const;
    const page = async (req: FastifyRequest<{ Params: { no: string } }>, reply: FastifyReply, message?: string, status = 200) => {
      const record = await credits.getForMember(req.member!.id, noOf(req.params.no));
      const ctx = web.context(req, reply);
      return web.render(reply, <ConfirmPage ctx={ctx} record={record} title={ctx.t(labels.title)} lead={ctx.t(labels.lead)} button={ctx.t(labels.button)}
        action={`/credits/${record.credit.control_no}/${path}`} message={message} />, status);
    };
    app.get<{ Params: { no: string } }>(`/credits/:no/${path}`, guarded, (req, reply) => page(req, reply));
    app.post<{ Params: { no: string } }>(`/credits/:no/${path}`, guarded, async (req, reply) => {
      const no = noOf(req.params.no);
      const form = parseForm(commentSchema, req.body);
      if (!form.ok) return page(req, reply, req.t('error.tooLong'), 400);
      try {
        if (path === 'request') await credits.submit(web.actor(req), req.member!.id, no, form.data.comment);
        else await credits.recall(web.actor(req), req.member!.id, no, form.data.comment);
      } catch (err) {
        if (!(err instanceof RuleViolation) || err.code === 'not_found') throw err;
        return page(req, reply, req.t(err.key, err.params), err.status);
      }
      return web.redirect(reply, `/credits/${no}`, labels.done);
    });
  };
  confirmStep('request');
  confirmStep('recall');
}
