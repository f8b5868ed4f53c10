import type { FastifyInstance, FastifyReply, FastifyRequest, preHandlerHookHandler } from 'fastify';
import { allow } from '../../platform/policy';
import type { Clock } from '../../platform/clock';
import { attachmentHeader, csvStream } from '../../platform/csv';
import { tokyoDate } from '../../platform/japanese';
import type { FormValues } from '../../platform/views/context';
import type { Web } from '../../platform/web';
import type { ApplicationListService } from '../applications/staff-list';
import { type InvoiceSearchService, parseInvoiceFilter } from '../billing/search';
import type { BillingService } from '../billing/service';
import { SEARCH_CSV_HEADER, searchCsvRow } from '../billing/staff-billing-views';
import type { CreditsService } from '../credits/service';
import type { CyclesService } from '../cycles/service';
import type { MembersService } from '../members/service';
import type { PaymentsService } from '../payments/service';
import {
  APPLICATIONS_HEADER, applicationRows, CREDITS_HEADER, creditRow, MEMBERS_HEADER, memberRow, PAYMENTS_HEADER, parseApplicationFilter, parseCreditFilter, parsePaymentFilter,
  paymentRow,
} from './exports';
import type { ReportsService } from './service';
import { DashboardPage, ExportsPage } from './views';

type Query = { Querystring: Record<string, string | undefined> };
type Cells = (string | number | null)[][];

/** ダッシュボード and データ出力 (decisions/0018): read only, staff only. */
export function reportRoutes(app: FastifyInstance, deps: {
  web: Web; clock: Clock; reports: ReportsService; cycles: CyclesService; members: MembersService; applicationList: ApplicationListService; credits: CreditsService;
  billing: BillingService; invoiceSearch: InvoiceSearchService; payments: PaymentsService; requireStaff: preHandlerHookHandler;
}) {
  const { web, clock, reports, cycles, members, applicationList, credits, billing, invoiceSearch, payments, requireStaff } = deps;
  const dashboard = { preHandler: [requireStaff, allow('dashboard.view')] };
  const download = { preHandler: [requireStaff, allow('exports.download')] };

  app.get('/staff/dashboard', dashboard, async (req, reply) =>
    web.render(reply, <DashboardPage ctx={web.context(req, reply, 'staff')} d={await reports.dashboard()} />));

  const exportsPage = async (req: FastifyRequest, reply: FastifyReply, values: FormValues = {}, status = 200) => {
    const [all, current, fees] = await Promise.all([cycles.all(), cycles.current(), billing.feeTypes()]);
    return web.render(reply, <ExportsPage ctx={web.context(req, reply, 'staff')} choices={{ cycles: all, current, fees }} values={values} status={status} />, status);
  };
  app.get('/staff/exports', download, (req, reply) => exportsPage(req, reply));

  /** Streams the CSV: the BOM and header first, then each batch as the database gives it (keyset batches, constant memory). */
  const send = (reply: FastifyReply, name: string, header: string[], rows: AsyncIterable<Cells>) =>
    reply.header('content-type', 'text/csv; charset=utf-8')
      .header('content-disposition', attachmentHeader(`${name}_${tokyoDate(clock.now()).replaceAll('-', '')}.csv`))
      .header('cache-control', 'no-store')
      .send(csvStream(header, rows));

  app.get<Query>('/staff/exports/members.csv', download, async (req, reply) => {
    const cycle = req.query.scope === 'targets' ? await cycles.current() : undefined;
    async function* rows() {
      for await (const batch of members.batches({ periodEnd: cycle?.period_end })) yield batch.map(memberRow);
    }
    return send(reply, cycle ? '更新対象者一覧' : '会員一覧', MEMBERS_HEADER, rows());
  });

  app.get<Query>('/staff/exports/applications.csv', download, async (req, reply) => {
    const { fiscalYear, ...filter } = parseApplicationFilter(req.query);
    const cycle = fiscalYear ? await cycles.byFiscalYear(fiscalYear) : await cycles.current();
    if (!cycle) return exportsPage(req, reply, req.query as FormValues, 400);
    const ctx = web.context(req, reply, 'staff');
    async function* rows() {
      for await (const batch of applicationList.batches(cycle!, filter)) yield batch.flatMap((r) => applicationRows(ctx, r));
    }
    return send(reply, `専門医資格申請一覧_${cycle.fiscal_year}`, APPLICATIONS_HEADER, rows());
  });

  app.get<Query>('/staff/exports/credits.csv', download, async (req, reply) => {
    const filter = parseCreditFilter(req.query);
    if (!filter) return exportsPage(req, reply, req.query as FormValues, 400);
    const ctx = web.context(req, reply, 'staff');
    async function* rows() {
      for await (const batch of credits.batches(filter!)) {
        const found = await members.byIds(batch.map((c) => c.member_id));
        yield batch.map((c) => creditRow(ctx, c, found.get(c.member_id)));
      }
    }
    return send(reply, '単位一覧', CREDITS_HEADER, rows());
  });

  app.get<Query>('/staff/exports/invoices.csv', download, async (req, reply) => {
    const { filter, errors } = parseInvoiceFilter(req.query, await billing.feeTypes());
    if (errors) return exportsPage(req, reply, req.query as FormValues, 400);
    const ctx = web.context(req, reply, 'staff');
    async function* rows() {
      for await (const batch of invoiceSearch.batches(filter)) yield batch.map((r) => searchCsvRow(ctx, r));
    }
    return send(reply, '請求一覧', SEARCH_CSV_HEADER, rows());
  });

  app.get<Query>('/staff/exports/payments.csv', download, async (req, reply) => {
    const filter = parsePaymentFilter(req.query);
    if (!filter) return exportsPage(req, reply, req.query as FormValues, 400);
    const ctx = web.context(req, reply, 'staff');
    async function* rows() {
      for await (const batch of payments.batches(filter!)) {
        const found = await members.byIds(batch.map((p) => p.memberId));
        yield batch.map((p) => paymentRow(ctx, p, found.get(p.memberId)));
      }
    }
    return send(reply, 'オンライン決済一覧', PAYMENTS_HEADER, rows());
  });
}
