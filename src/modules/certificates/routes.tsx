import type { FastifyInstance, FastifyReply, FastifyRequest, preHandlerHookHandler } from 'fastify';
import { allow } from '../../platform/policy';
import { attachmentHeader } from '../../platform/csv';
import { AppError, idParam, RuleViolation } from '../../platform/errors';
import { parseForm } from '../../platform/forms';
import type { FormErrors, FormValues } from '../../platform/views/context';
import type { Web } from '../../platform/web';
import { reissueSchema, revokeSchema } from './schemas';
import type { CertificatesService } from './service';
import { StaffCertificatePage, StaffCertificatesPage, VerifyPage } from './views';

/** Look-ups of /verify/<code> per IP and minute: enough for a hospital's front desk, too few to guess codes. */
export const VERIFY_PER_MINUTE = 30;

const sendPdf = (reply: FastifyReply, pdf: Buffer, filename: string) => reply
  .header('content-type', 'application/pdf')
  .header('content-disposition', attachmentHeader(filename))
  .header('cache-control', 'private, no-store')
  .send(pdf);

export function certificateRoutes(app: FastifyInstance, deps: { web: Web; certificates: CertificatesService; requireMember: preHandlerHookHandler; requireStaff: preHandlerHookHandler }) {
  const { web, certificates, requireMember, requireStaff } = deps;
  const view = { preHandler: [requireStaff, allow('certificates.view')] };
  const manage = { preHandler: [requireStaff, allow('certificates.manage')] };
  const download = { preHandler: [requireStaff, allow('exports.download')] };

  // ── 事務局: /staff/certificates ──────────────────────────────────────────────────────────────
  app.get('/staff/certificates', view, async (req, reply) =>
    web.render(reply, <StaffCertificatesPage ctx={web.context(req, reply, 'staff')} overview={await certificates.overview()} />));

  app.post('/staff/certificates/issue', manage, async (req, reply) => {
    const { issued } = await certificates.issueAll(web.actor(req));
    return web.redirect(reply, '/staff/certificates', issued.length > 0 ? 'certificates.issued' : 'certificates.nothingIssued');
  });

  const itemPage = async (req: FastifyRequest<{ Params: { id: string } }>, reply: FastifyReply, opts: { errors?: FormErrors; values?: FormValues; message?: string; status?: number } = {}) => {
    const found = await certificates.getForStaff(idParam(req.params.id, 'certificate'));
    return web.render(reply, <StaffCertificatePage ctx={web.context(req, reply, 'staff')} {...found} {...opts} />, opts.status ?? 200);
  };
  app.get<{ Params: { id: string } }>('/staff/certificates/:id', view, (req, reply) => itemPage(req, reply));

  app.get<{ Params: { id: string } }>('/staff/certificates/:id/pdf', view, async (req, reply) => {
    const { pdf, certificateNo } = await certificates.pdfForStaff(idParam(req.params.id, 'certificate'));
    return sendPdf(reply, pdf, `専門医証_${certificateNo}.pdf`);
  });

  /** A decision another clerk made first (or a void certificate) shows the page with what happened, 409. */
  const decide = async (req: FastifyRequest<{ Params: { id: string } }>, reply: FastifyReply, values: FormValues, run: () => Promise<string>) => {
    try {
      return web.redirect(reply, await run(), 'certificates.decided');
    } catch (err) {
      if (!(err instanceof RuleViolation) || err.code === 'not_found') throw err;
      return itemPage(req, reply, { values, message: req.t(err.key, err.params), status: err.status });
    }
  };

  app.post<{ Params: { id: string } }>('/staff/certificates/:id/reissue', manage, async (req, reply) => {
    const id = idParam(req.params.id, 'certificate');
    const form = parseForm(reissueSchema, req.body);
    if (!form.ok) return itemPage(req, reply, { errors: form.errors, values: form.values, status: 400 });
    return decide(req, reply, form.values, async () => `/staff/certificates/${(await certificates.reissue(web.actor(req), id, form.data.reissueReason)).id}`);
  });

  app.post<{ Params: { id: string } }>('/staff/certificates/:id/revoke', manage, async (req, reply) => {
    const id = idParam(req.params.id, 'certificate');
    const form = parseForm(revokeSchema, req.body);
    if (!form.ok) return itemPage(req, reply, { errors: form.errors, values: form.values, status: 400 });
    return decide(req, reply, form.values, async () => {
      await certificates.revoke(web.actor(req), id, form.data.kind, form.data.revokeReason);
      return `/staff/certificates/${id}`;
    });
  });

  // ── 発送: mailings, their CSV and labels, 「発送済みにする」 ─────────────────────────────────────────
  app.post('/staff/certificates/batches', manage, async (req, reply) => {
    await certificates.createBatch(web.actor(req));
    return web.redirect(reply, '/staff/certificates', 'certificates.batchCreated');
  });

  app.get<{ Params: { id: string } }>('/staff/certificates/batches/:id/mailing.csv', download, async (req, reply) => {
    const id = idParam(req.params.id, 'batch');
    const csv = await certificates.mailingCsv(id);
    return reply.header('content-type', 'text/csv; charset=utf-8').header('content-disposition', attachmentHeader(`専門医証_発送リスト_第${id}回.csv`))
      .header('cache-control', 'private, no-store').send(csv);
  });

  app.get<{ Params: { id: string } }>('/staff/certificates/batches/:id/labels.pdf', download, async (req, reply) => {
    const id = idParam(req.params.id, 'batch');
    return sendPdf(reply, await certificates.mailingLabels(id), `専門医証_宛名ラベル_第${id}回.pdf`);
  });

  app.post<{ Params: { id: string } }>('/staff/certificates/batches/:id/mailed', manage, async (req, reply) => {
    await certificates.markMailed(web.actor(req), idParam(req.params.id, 'batch'));
    return web.redirect(reply, '/staff/certificates', 'certificates.mailed');
  });

  // ── Member: the PDF of their own valid certificate ─────────────────────────────────────────────
  app.get<{ Params: { no: string } }>('/certificates/:no/pdf', { preHandler: requireMember }, async (req, reply) => {
    const { pdf, certificateNo } = await certificates.pdfForMember(req.member!.id, req.params.no);
    return sendPdf(reply, pdf, `専門医証_${certificateNo}.pdf`);
  });

  // ── Public: /verify/<code>, no login, per-IP limit, never cached or indexed ──────────────────────
  app.get<{ Params: { code: string } }>('/verify/:code', { config: { rateLimit: { max: VERIFY_PER_MINUTE, timeWindow: '1 minute' } } }, async (req, reply) => {
    reply.header('x-robots-tag', 'noindex, nofollow').header('referrer-policy', 'no-referrer');
    const view = await certificates.verify(req.params.code);
    if (!view) throw new AppError('not_found');
    return web.render(reply, <VerifyPage ctx={web.context(req, reply, 'public')} view={view} />);
  });
}
