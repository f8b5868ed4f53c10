import type { FastifyInstance, FastifyReply, FastifyRequest, preHandlerHookHandler } from 'fastify';
import { attachmentHeader, toCsv } from '../../platform/csv';
import { idParam, RuleViolation } from '../../platform/errors';
import type { Web } from '../../platform/web';
import { allow, type StaffAction } from '../../platform/policy';
import { IMPORT_KINDS, type ResultImportService } from './result-import';
import { outcomeText, ResultImportPreviewPage, ResultImportUploadPage } from './result-import-views';

/** Multipart bodies (attachFieldsToBody): a field is { value }, a file has a filename and toBuffer(). */
interface MultipartFile { type: 'file'; filename: string; toBuffer(): Promise<Buffer> }

const isFile = (v: unknown): v is MultipartFile =>
  !!v && typeof v === 'object' && (v as MultipartFile).type === 'file' && typeof (v as MultipartFile).toBuffer === 'function';
const fieldValue = (v: unknown) => (v && typeof v === 'object' && typeof (v as { value?: unknown }).value === 'string' ? (v as { value: string }).value : undefined);

/** /staff/billing/imports: upload a result file → preview with a row report → apply the good rows. */
export function resultImportRoutes(app: FastifyInstance, deps: { web: Web; imports: ResultImportService; requireStaff: preHandlerHookHandler }) {
  const { web, imports, requireStaff } = deps;
  const guard = (action: StaffAction) => ({ preHandler: [requireStaff, allow(action)] });
  const ctxOf = (req: FastifyRequest, reply: FastifyReply) => web.context(req, reply, 'staff');

  const uploadPage = async (req: FastifyRequest, reply: FastifyReply, opts: { message?: string; kind?: string; status?: number } = {}) =>
    web.render(reply, <ResultImportUploadPage ctx={ctxOf(req, reply)} recent={await imports.recent(web.actor(req))} message={opts.message} kind={opts.kind} />, opts.status ?? 200);

  app.get('/staff/billing/imports', guard('billing.view'), (req, reply) => uploadPage(req, reply));

  app.post('/staff/billing/imports', guard('billing.importResults'), async (req, reply) => {
    const body = req.body as Record<string, unknown> | undefined;
    const kindValue = fieldValue(body?.kind);
    const kind = IMPORT_KINDS.find((k) => k === kindValue);
    if (!kind) return uploadPage(req, reply, { message: req.t('resultImport.kindRequired'), status: 400 });
    const file = body?.file;
    if (!isFile(file) || !file.filename) return uploadPage(req, reply, { message: req.t('resultImport.fileRequired'), kind, status: 400 });
    let id: number;
    try {
      id = await imports.upload(web.actor(req), { kind, name: file.filename, data: await file.toBuffer() });
    } catch (err) {
      if (err instanceof RuleViolation && err.code === 'bad_request') return uploadPage(req, reply, { message: req.t(err.key, err.params), kind, status: 400 });
      throw err;
    }
    return web.redirect(reply, `/staff/billing/imports/${id}`);
  });

  const preview = async (req: FastifyRequest<{ Params: { id: string } }>, reply: FastifyReply, message?: string, status = 200) => {
    const result = await imports.preview(web.actor(req), idParam(req.params.id, 'payment_import'));
    return web.render(reply, <ResultImportPreviewPage ctx={ctxOf(req, reply)} preview={result} message={message} />, status);
  };

  app.get<{ Params: { id: string } }>('/staff/billing/imports/:id', guard('billing.view'), (req, reply) => preview(req, reply));

  app.post<{ Params: { id: string } }>('/staff/billing/imports/:id/apply', guard('billing.importResults'), async (req, reply) => {
    try {
      await imports.apply(web.actor(req), idParam(req.params.id, 'payment_import'));
    } catch (err) {
      if (!(err instanceof RuleViolation) || err.code === 'not_found') throw err;
      return preview(req, reply, req.t(err.key, err.params), err.status);
    }
    return web.redirect(reply, `/staff/billing/imports/${req.params.id}`, 'resultImport.appliedFlash');
  });

  /** Every row and its outcome, for the secretariat's reconciliation spreadsheet. */
  app.get<{ Params: { id: string } }>('/staff/billing/imports/:id/report.csv', guard('exports.download'), async (req, reply) => {
    const result = await imports.preview(web.actor(req), idParam(req.params.id, 'payment_import'));
    const t = req.t;
    const applied = !!result.summary.applied_at;
    const csv = toCsv(
      [t('resultImport.col.line'), t('resultImport.col.reference'), t('resultImport.col.year'), t('resultImport.col.amount'), t('resultImport.col.date'),
        t('resultImport.col.payer'), t('resultImport.col.transactionNo'), t('resultImport.col.invoice'), t('resultImport.col.outcome')],
      result.rows.map((r, i) => [r.line, r.reference, r.year, r.amount, r.date, r.payer, r.transactionNo, result.outcomes[i]!.controlNo ?? '', outcomeText(t, r, result.outcomes[i]!, applied)]),
    );
    return reply.header('content-type', 'text/csv; charset=utf-8').header('content-disposition', attachmentHeader(`payment-import-${result.summary.id}-report.csv`))
      .header('cache-control', 'no-store').send(csv);
  });
}
