import type { FastifyInstance, FastifyReply, FastifyRequest, preHandlerHookHandler } from 'fastify';
import { z } from 'zod';
import { attachmentHeader, csvStream } from '../../platform/csv';
import type { OverpaymentStatus } from '../../platform/db/schema';
import { idParam, RuleViolation } from '../../platform/errors';
import { parseForm, text } from '../../platform/forms';
import type { FormErrors, FormValues } from '../../platform/views/context';
import type { Web } from '../../platform/web';
import { allow, type StaffAction } from '../../platform/policy';
import { calendarDate } from '../../platform/forms';
import { fullName, type MembersService } from '../members/service';
import type { OverpaymentsService } from './overpayments';
import { type InvoiceSearchService, parseInvoiceFilter } from './search';
import type { BillingService } from './service';
import { InvoiceSearchPage, OVERPAYMENT_TABS, OverpaymentPage, OverpaymentQueuePage, SEARCH_CSV_HEADER, searchCsvRow } from './staff-billing-views';

/** Invoices per page of 請求の検索: a screenful, in a stable order. */
const SEARCH_PAGE = 50;
/** Items per tab of the overpayment queue (there are few; the oldest are what matter). */
const QUEUE_LIMIT = 200;

const refundSchema = z.object({
  refundedOn: calendarDate('credits.dateInvalid'),
  refundReference: text({ max: 100, required: 'staffBilling.refundReferenceRequired' }),
  refundNote: text({ max: 500, optional: true }).optional().transform((s) => s ?? ''),
});
const resolveSchema = z.object({
  resolvedOn: calendarDate('credits.dateInvalid'),
  resolveNote: text({ max: 500, required: 'staffBilling.resolveNoteRequired' }),
});

type Query = { Querystring: Record<string, string | undefined> };

/** The secretariat's billing pages: 請求の検索 (and its CSV), the 過入金・返金 queue and its decisions. */
export function staffBillingRoutes(app: FastifyInstance, deps: { web: Web; billing: BillingService; search: InvoiceSearchService; overpayments: OverpaymentsService; members: MembersService; requireStaff: preHandlerHookHandler }) {
  const { web, billing, search, overpayments, members, requireStaff } = deps;
  const guard = (action: StaffAction) => ({ preHandler: [requireStaff, allow(action)] });

  // ── 請求の検索 ───────────────────────────────────────────────────────────────────────────────────
  app.get<Query>('/staff/billing', guard('billing.view'), async (req, reply) => {
    const fees = await billing.feeTypes();
    const { filter, values, errors } = parseInvoiceFilter(req.query, fees);
    const page = /^\d{1,5}$/.test(req.query.page ?? '') ? Math.max(1, Number(req.query.page)) : 1;
    const result = errors ? undefined : await search.search(filter, page, SEARCH_PAGE);
    return web.render(reply, <InvoiceSearchPage ctx={web.context(req, reply, 'staff')} fees={fees} values={values} errors={errors} result={result} page={page} pageSize={SEARCH_PAGE} />, errors ? 400 : 200);
  });

  // The filtered list for a spreadsheet: Excel-safe CSV (BOM, quoted, formula-looking cells neutralised), streamed.
  app.get<Query>('/staff/billing.csv', guard('exports.download'), async (req, reply) => {
    const fees = await billing.feeTypes();
    const { filter, values, errors } = parseInvoiceFilter(req.query, fees);
    if (errors) return web.render(reply, <InvoiceSearchPage ctx={web.context(req, reply, 'staff')} fees={fees} values={values} errors={errors} page={1} pageSize={SEARCH_PAGE} />, 400);
    const ctx = web.context(req, reply, 'staff');
    async function* rows() {
      for await (const batch of search.batches(filter)) yield batch.map((r) => searchCsvRow(ctx, r));
    }
    return reply.header('content-type', 'text/csv; charset=utf-8').header('content-disposition', attachmentHeader('請求一覧.csv')).header('cache-control', 'no-store')
      .send(csvStream(SEARCH_CSV_HEADER, rows()));
  });

  // ── 過入金・返金 ─────────────────────────────────────────────────────────────────────────────────
  const withMembers = async <T extends { member_id: number | null }>(rows: T[]): Promise<(T & { member?: { number: string; name: string } })[]> => {
    const found = await members.byIds(rows.flatMap((r) => (r.member_id ? [r.member_id] : [])));
    return rows.map((r) => {
      const m = r.member_id ? found.get(r.member_id) : undefined;
      return { ...r, member: m ? { number: m.member_number, name: fullName(m) } : undefined };
    });
  };

  app.get<Query>('/staff/billing/overpayments', guard('billing.view'), async (req, reply) => {
    const status = OVERPAYMENT_TABS.includes(req.query.status as OverpaymentStatus) ? (req.query.status as OverpaymentStatus) : 'open';
    const [rows, openCount] = await Promise.all([overpayments.queue(status, QUEUE_LIMIT), overpayments.countOpen()]);
    return web.render(reply, <OverpaymentQueuePage ctx={web.context(req, reply, 'staff')} status={status} rows={await withMembers(rows)} openCount={openCount} />);
  });

  const itemPage = async (req: FastifyRequest<{ Params: { id: string } }>, reply: FastifyReply, extra: { errors?: FormErrors; values?: FormValues; message?: string; status?: number } = {}) => {
    const item = await overpayments.detail(idParam(req.params.id, 'overpayment'));
    const invoice = item.invoice_id ? (await billing.getForStaff(item.invoice_id)).invoice : undefined;
    const [row] = await withMembers([{ ...item, control_no: invoice?.control_no ?? null }]);
    return web.render(reply, <OverpaymentPage ctx={web.context(req, reply, 'staff')} row={row!} errors={extra.errors} values={extra.values} message={extra.message} />, extra.status ?? 200);
  };

  app.get<{ Params: { id: string } }>('/staff/billing/overpayments/:id', guard('billing.view'), (req, reply) => itemPage(req, reply));

  const decide = async (req: FastifyRequest<{ Params: { id: string } }>, reply: FastifyReply, input: Parameters<OverpaymentsService['resolve']>[2], values: FormValues) => {
    const id = idParam(req.params.id, 'overpayment');
    try {
      await overpayments.resolve(web.actor(req), id, input);
    } catch (err) {
      // Another clerk decided first: one decision wins, this one is shown what happened.
      if (!(err instanceof RuleViolation) || err.code === 'not_found') throw err;
      return itemPage(req, reply, { values, message: req.t('staffBilling.alreadyResolved'), status: 409 });
    }
    return web.redirect(reply, '/staff/billing/overpayments', input.outcome === 'refunded' ? 'staffBilling.refunded' : 'staffBilling.resolved');
  };

  app.post<{ Params: { id: string } }>('/staff/billing/overpayments/:id/refund', guard('billing.resolveOverpayments'), async (req, reply) => {
    const form = parseForm(refundSchema, req.body);
    if (!form.ok) return itemPage(req, reply, { errors: form.errors, values: form.values, status: 400 });
    return decide(req, reply, { outcome: 'refunded', resolvedOn: form.data.refundedOn, reference: form.data.refundReference, note: form.data.refundNote }, form.values);
  });

  app.post<{ Params: { id: string } }>('/staff/billing/overpayments/:id/resolve', guard('billing.resolveOverpayments'), async (req, reply) => {
    const form = parseForm(resolveSchema, req.body);
    if (!form.ok) return itemPage(req, reply, { errors: form.errors, values: form.values, status: 400 });
    return decide(req, reply, { outcome: 'resolved', resolvedOn: form.data.resolvedOn, reference: '', note: form.data.resolveNote }, form.values);
  });
}
