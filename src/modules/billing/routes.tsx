import type { FastifyInstance, FastifyReply, FastifyRequest, preHandlerHookHandler } from 'fastify';
import type { VNode } from 'preact';
import { idParam, notFound, RuleViolation } from '../../platform/errors';
import { parseForm } from '../../platform/forms';
import type { FormErrors, FormValues, PageContext } from '../../platform/views/context';
import type { Web } from '../../platform/web';
import { allow } from '../../platform/policy';
import { fullName, type MembersService } from '../members/service';
import { cancelSchema, markPaidSchema } from './schemas';
import type { BillingService } from './service';
import type { InvoiceView } from './service';
import { BillingPage, InvoicePage, type PaymentSlots, StaffInvoicePage } from './views';

const CONTROL_NO = /^SK-\d{1,10}$/;

export function billingRoutes(app: FastifyInstance, deps: { web: Web; billing: BillingService; members: MembersService; requireMember: preHandlerHookHandler; requireStaff: preHandlerHookHandler; paymentSlots?: (ctx: PageContext, view: InvoiceView) => Promise<PaymentSlots>; staffPayments?: (ctx: PageContext, invoiceId: number) => Promise<VNode> }) {
  const { web, billing, members, requireMember, requireStaff } = deps;

  app.get('/billing', { preHandler: requireMember }, async (req, reply) =>
    web.render(reply, <BillingPage ctx={web.context(req, reply)} views={await billing.listForMember(req.member!.id)} />));

  app.get<{ Params: { no: string } }>('/billing/:no', { preHandler: requireMember }, async (req, reply) => {
    if (!CONTROL_NO.test(req.params.no)) throw notFound('invoice');
    const ctx = web.context(req, reply);
    const first = await billing.getForMember(req.member!.id, req.params.no);
    // The payments module may end a dead attempt's hold while rendering its part, so an open invoice is read again
    // after it; a paid or cancelled one cannot change status that way and is shown as read (three queries fewer).
    const payment = deps.paymentSlots ? await deps.paymentSlots(ctx, first) : undefined;
    const open = first.invoice.status === 'unpaid' || first.invoice.status === 'processing';
    const { events, ...view } = deps.paymentSlots && open ? await billing.getForMember(req.member!.id, req.params.no) : first;
    return web.render(reply, <InvoicePage ctx={ctx} view={view} events={events} payment={payment} />);
  });

  const staffPage = async (req: FastifyRequest<{ Params: { id: string } }>, reply: FastifyReply, extra: { errors?: FormErrors; values?: FormValues; status?: number } = {}) => {
    const { events, ...view } = await billing.getForStaff(idParam(req.params.id, 'invoice'));
    const member = await members.getById(view.invoice.member_id);
    const ctx = web.context(req, reply, 'staff');
    const payments = deps.staffPayments ? await deps.staffPayments(ctx, view.invoice.id) : undefined;
    return web.render(reply, <StaffInvoicePage ctx={ctx} view={view} events={events} errors={extra.errors} values={extra.values} payments={payments}
      memberLink={{ href: `/staff/members/${member.member_number}`, label: `${member.member_number} ${fullName(member)}` }} />, extra.status ?? 200);
  };

  app.get<{ Params: { id: string } }>('/staff/invoices/:id', { preHandler: [requireStaff, allow('billing.view')] }, (req, reply) => staffPage(req, reply));

  app.post<{ Params: { id: string } }>('/staff/invoices/:id/paid', { preHandler: [requireStaff, allow('billing.markPaid')] }, async (req, reply) => {
    const form = parseForm(markPaidSchema, req.body);
    if (!form.ok) return staffPage(req, reply, { errors: form.errors, values: form.values, status: 400 });
    const id = idParam(req.params.id, 'invoice');
    try {
      await billing.markPaid(web.actor(req), id, form.data);
    } catch (err) {
      if (!(err instanceof RuleViolation) || err.code === 'not_found') throw err;
      return staffPage(req, reply, { values: form.values, status: 409 });
    }
    return web.redirect(reply, `/staff/invoices/${id}`, 'staff.markedPaid');
  });

  app.post<{ Params: { id: string } }>('/staff/invoices/:id/cancel', { preHandler: [requireStaff, allow('billing.cancelInvoice')] }, async (req, reply) => {
    const form = parseForm(cancelSchema, req.body);
    if (!form.ok) return staffPage(req, reply, { errors: form.errors, values: form.values, status: 400 });
    const id = idParam(req.params.id, 'invoice');
    await billing.cancel(web.actor(req), id, form.data.cancelReason);
    return web.redirect(reply, `/staff/invoices/${id}`, 'staff.cancelled');
  });
}
