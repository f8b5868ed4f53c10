import type { FastifyInstance, FastifyReply, FastifyRequest, preHandlerHookHandler } from 'fastify';
import { attachmentHeader, toCsv } from '../../platform/csv';
import { idParam, RuleViolation } from '../../platform/errors';
import type { Web } from '../../platform/web';
import { allow, type StaffAction } from '../../platform/policy';
import type { CreditImportService } from './import';
import { ImportPreviewPage, ImportUploadPage } from './import-views';

/** Multipart bodies (attachFieldsToBody): a field is { value }, a file has a filename and toBuffer(). */
interface MultipartFile { type: 'file'; filename: string; toBuffer(): Promise<Buffer> }

const isFile = (v: unknown): v is MultipartFile =>
  !!v && typeof v === 'object' && (v as MultipartFile).type === 'file' && typeof (v as MultipartFile).toBuffer === 'function';

/** /staff/credits/import: upload a CSV → preview with a row report → commit the good rows. */
export function creditImportRoutes(app: FastifyInstance, deps: { web: Web; imports: CreditImportService; requireStaff: preHandlerHookHandler }) {
  const { web, imports, requireStaff } = deps;
  const guard = (action: StaffAction) => ({ preHandler: [requireStaff, allow(action)] });
  const ctxOf = (req: FastifyRequest, reply: FastifyReply) => web.context(req, reply, 'staff');

  const uploadPage = async (req: FastifyRequest, reply: FastifyReply, message?: string, status = 200) =>
    web.render(reply, <ImportUploadPage ctx={ctxOf(req, reply)} recent={await imports.recent(web.actor(req))} message={message} />, status);

  app.get('/staff/credits/import', guard('credits.view'), (req, reply) => uploadPage(req, reply));

  app.post('/staff/credits/import', guard('credits.import'), async (req, reply) => {
    const file = (req.body as Record<string, unknown> | undefined)?.file;
    if (!isFile(file) || !file.filename) return uploadPage(req, reply, req.t('import.fileRequired'), 400);
    let id: number;
    try {
      id = await imports.upload(web.actor(req), { name: file.filename, data: await file.toBuffer() });
    } catch (err) {
      if (err instanceof RuleViolation && err.code === 'bad_request') return uploadPage(req, reply, req.t(err.key, err.params), 400);
      throw err;
    }
    return web.redirect(reply, `/staff/credits/import/${id}`);
  });

  const preview = async (req: FastifyRequest<{ Params: { id: string } }>, reply: FastifyReply, message?: string, status = 200) => {
    const result = await imports.preview(web.actor(req), idParam(req.params.id, 'credit_import'));
    return web.render(reply, <ImportPreviewPage ctx={ctxOf(req, reply)} preview={result} message={message} />, status);
  };

  app.get<{ Params: { id: string } }>('/staff/credits/import/:id', guard('credits.view'), (req, reply) => preview(req, reply));

  app.post<{ Params: { id: string } }>('/staff/credits/import/:id/commit', guard('credits.import'), async (req, reply) => {
    try {
      await imports.commit(web.actor(req), idParam(req.params.id, 'credit_import'));
    } catch (err) {
      if (!(err instanceof RuleViolation) || err.code === 'not_found') throw err;
      return preview(req, reply, req.t(err.key, err.params), err.status);
    }
    return web.redirect(reply, `/staff/credits/import/${req.params.id}`, 'import.committedFlash');
  });

  /** The whole row report (every row and its status), for the spreadsheet the secretariat keeps. */
  app.get<{ Params: { id: string } }>('/staff/credits/import/:id/report.csv', guard('exports.download'), async (req, reply) => {
    const result = await imports.preview(web.actor(req), idParam(req.params.id, 'credit_import'));
    const t = req.t;
    const csv = toCsv(
      [t('import.col.line'), t('import.col.member'), t('import.col.code'), t('import.col.date'), t('import.col.externalId'), t('import.col.status')],
      result.rows.map((r, i) => [r.line, r.member, r.code, r.date, r.externalId, t(`import.status.${result.statuses[i]!}`)]),
    );
    return reply.header('content-type', 'text/csv; charset=utf-8').header('content-disposition', attachmentHeader(`import-${result.summary.id}-report.csv`))
      .header('cache-control', 'no-store').send(csv);
  });
}
