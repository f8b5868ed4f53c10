import type { FastifyInstance, FastifyReply, preHandlerHookHandler } from 'fastify';
import { attachmentHeader } from '../../platform/csv';
import { idParam, notFound } from '../../platform/errors';
import type { Web } from '../../platform/web';
import { allow } from '../../platform/policy';
import type { ReceiptDocument, ReceiptsService } from './receipts';

const CONTROL_NO = /^SK-\d{1,10}$/;

const send = (reply: FastifyReply, doc: ReceiptDocument) => reply
  .header('content-type', 'application/pdf')
  .header('content-disposition', attachmentHeader(`領収書_${doc.controlNo}.pdf`))
  .header('cache-control', 'no-store')
  .send(doc.pdf);

/** 領収書 downloads: the member's own paid invoice, or any paid invoice for the secretariat. */
export function receiptRoutes(app: FastifyInstance, deps: { web: Web; receipts: ReceiptsService; requireMember: preHandlerHookHandler; requireStaff: preHandlerHookHandler }) {
  const { web, receipts, requireMember, requireStaff } = deps;

  app.get<{ Params: { no: string } }>('/billing/:no/receipt.pdf', { preHandler: requireMember }, async (req, reply) => {
    if (!CONTROL_NO.test(req.params.no)) throw notFound('invoice');
    return send(reply, await receipts.receiptForMember(web.actor(req), req.member!.id, req.params.no));
  });

  app.get<{ Params: { id: string } }>('/staff/invoices/:id/receipt.pdf', { preHandler: [requireStaff, allow('billing.view')] }, async (req, reply) =>
    send(reply, await receipts.receiptForStaff(web.actor(req), idParam(req.params.id, 'invoice'))));
}
