import type { FastifyInstance, FastifyReply, FastifyRequest, preHandlerHookHandler } from 'fastify';
import { z } from 'zod';
import { attachmentHeader, toCsv } from '../../platform/csv';
import { idParam, notFound, RuleViolation } from '../../platform/errors';
import { parseForm, text } from '../../platform/forms';
import type { Web } from '../../platform/web';
import { allow } from '../../platform/policy';
import { fullName, type Member, type MembersService } from '../members/service';
import type { BillingService } from './service';
import { SlipConfirmPage, SlipDispatchPage } from './views';

const CONTROL_NO = /^SK-\d{1,10}$/;
const undoSchema = z.object({ slipReason: text({ max: 500 }) });
const addressLines = (m: Member) => [`〒${m.postal_code}`, `${m.prefecture}${m.address_line1}`, m.address_line2, m.organisation, `${fullName(m)} 様`].filter(Boolean);

/** 払込票: the member's request, the staff undo, and the dispatch list. */
export function slipRoutes(app: FastifyInstance, deps: { web: Web; billing: BillingService; members: MembersService; requireMember: preHandlerHookHandler; requireStaff: preHandlerHookHandler }) {
  const { web, billing, members, requireMember, requireStaff } = deps;

  const confirm = async (req: FastifyRequest<{ Params: { no: string } }>, reply: FastifyReply, message?: string, status = 200) => {
    if (!CONTROL_NO.test(req.params.no)) throw notFound('invoice');
    const { events: _events, ...view } = await billing.getForMember(req.member!.id, req.params.no);
    const member = await members.getById(req.member!.id);
    return web.render(reply, <SlipConfirmPage ctx={web.context(req, reply)} view={view} address={addressLines(member)} dispatchOn={await billing.nextSlipDispatch()} message={message} />, status);
  };

  app.get<{ Params: { no: string } }>('/billing/:no/slip', { preHandler: requireMember }, (req, reply) => confirm(req, reply));

  app.post<{ Params: { no: string } }>('/billing/:no/slip', { preHandler: requireMember }, async (req, reply) => {
    if (!CONTROL_NO.test(req.params.no)) throw notFound('invoice');
    try {
      await billing.requestSlip(web.actor(req), req.member!.id, req.params.no);
    } catch (err) {
      if (!(err instanceof RuleViolation) || err.code === 'not_found') throw err;
      return confirm(req, reply, req.t(err.key), err.status);
    }
    return web.redirect(reply, `/billing/${req.params.no}`, 'billing.slipRequested');
  });

  app.post<{ Params: { id: string } }>('/staff/invoices/:id/slip-undo', { preHandler: [requireStaff, allow('billing.undoSlip')] }, async (req, reply) => {
    const id = idParam(req.params.id, 'invoice');
    const form = parseForm(undoSchema, req.body);
    if (!form.ok) throw new RuleViolation('staff.slipUndoReasonRequired', {}, 'bad_request');
    await billing.undoSlip(web.actor(req), id, form.data.slipReason);
    return web.redirect(reply, `/staff/invoices/${id}`, 'staff.slipUndone');
  });

  const dispatchOf = async (raw: unknown) => (typeof raw === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(raw) ? raw : billing.nextSlipDispatch(0));

  app.get<{ Querystring: { dispatch?: string } }>('/staff/billing/slips', { preHandler: [requireStaff, allow('billing.view')] }, async (req, reply) => {
    const dispatchOn = await dispatchOf(req.query.dispatch);
    const rows = (await billing.slipDispatchList(dispatchOn)).map(({ invoice, member }) => ({ invoice, name: fullName(member), address: addressLines(member).slice(0, 4).join(' ') }));
    return web.render(reply, <SlipDispatchPage ctx={web.context(req, reply, 'staff')} dispatchOn={dispatchOn} rows={rows} />);
  });

  // The mailing list for the print shop: Excel-safe CSV (BOM, quoted, formula-looking cells neutralised).
  app.get<{ Querystring: { dispatch?: string } }>('/staff/billing/slips.csv', { preHandler: [requireStaff, allow('exports.download')] }, async (req, reply) => {
    const dispatchOn = await dispatchOf(req.query.dispatch);
    const rows = await billing.slipDispatchList(dispatchOn);
    const csv = toCsv(
      ['管理No', '会員番号', '氏名', '郵便番号', '都道府県', '住所1', '住所2', '勤務先', '金額'],
      rows.map(({ invoice, member: m }) => [invoice.control_no, m.member_number, fullName(m), m.postal_code, m.prefecture, m.address_line1, m.address_line2, m.organisation, invoice.amount]),
    );
    return reply.header('content-type', 'text/csv; charset=utf-8').header('content-disposition', attachmentHeader(`払込票発送_${dispatchOn}.csv`)).header('cache-control', 'no-store').send(csv);
  });

  app.post<{ Querystring: { dispatch?: string } }>('/staff/billing/slips/sent', { preHandler: [requireStaff, allow('billing.markSlipsSent')] }, async (req, reply) => {
    const dispatchOn = await dispatchOf(req.query.dispatch);
    await billing.markDispatchSent(web.actor(req), dispatchOn);
    return web.redirect(reply, `/staff/billing/slips?dispatch=${dispatchOn}`, 'staff.slipsMarked');
  });
}
