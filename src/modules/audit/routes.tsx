import type { FastifyInstance, preHandlerHookHandler } from 'fastify';
import { attachmentHeader, csvStream } from '../../platform/csv';
import { allow, type StaffAction } from '../../platform/policy';
import type { Web } from '../../platform/web';
import { type AuditTrailService, parseAuditFilter } from './service';
import { AUDIT_CSV_HEADER, AuditTrailPage, auditCsvRow } from './views';

/** Rows per page of 監査ログ. */
const PAGE_SIZE = 50;

type Query = { Querystring: Record<string, string | undefined> };

/** 監査ログ: search the whole audit trail, page through it, download it as CSV. Read only. */
export function auditRoutes(app: FastifyInstance, deps: { web: Web; audit: AuditTrailService; requireStaff: preHandlerHookHandler }) {
  const { web, audit, requireStaff } = deps;
  const guard = (action: StaffAction) => ({ preHandler: [requireStaff, allow(action)] });

  app.get<Query>('/staff/audit', guard('audit.view'), async (req, reply) => {
    const { filter, values, errors, after } = parseAuditFilter(req.query);
    const ctx = web.context(req, reply, 'staff');
    if (errors) return web.render(reply, <AuditTrailPage ctx={ctx} values={values} errors={errors} paged={false} />, 400);
    const { rows, next } = await audit.page(filter, after, PAGE_SIZE);
    return web.render(reply, <AuditTrailPage ctx={ctx} values={values} rows={rows} next={next} paged={!!after} />);
  });

  // The filtered trail for a spreadsheet: Excel-safe CSV (BOM, CRLF, formula-looking cells neutralised), streamed.
  app.get<Query>('/staff/audit.csv', guard('exports.download'), async (req, reply) => {
    const { filter, values, errors } = parseAuditFilter(req.query);
    const ctx = web.context(req, reply, 'staff');
    if (errors) return web.render(reply, <AuditTrailPage ctx={ctx} values={values} errors={errors} paged={false} />, 400);
    async function* rows() {
      for await (const batch of audit.batches(filter)) yield batch.map((r) => auditCsvRow(ctx, r));
    }
    return reply.header('content-type', 'text/csv; charset=utf-8').header('content-disposition', attachmentHeader('監査ログ.csv')).header('cache-control', 'no-store')
      .send(csvStream(AUDIT_CSV_HEADER, rows()));
  });
}
