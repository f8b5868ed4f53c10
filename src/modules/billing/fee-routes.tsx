import type { FastifyInstance, FastifyReply, FastifyRequest, preHandlerHookHandler } from 'fastify';
import { allow } from '../../platform/policy';
import { notFound } from '../../platform/errors';
import { parseForm } from '../../platform/forms';
import type { FeeType } from '../../platform/db/schema';
import type { FormErrors, FormValues } from '../../platform/views/context';
import type { Web } from '../../platform/web';
import { dispatchSchema, feeTypeSchema, formatSlot } from './fee-schemas';
import { FeesPage, FeeTypeFormPage } from './fee-views';
import type { BillingService } from './service';

const CODE = /^[a-z0-9_]{1,40}$/;
const valuesOf = (f: FeeType): FormValues => ({ amount: String(f.amount), tax_category: f.tax_category, due_month_day: f.due_month_day ?? '' });
/** The methods ticked: one checkbox is a string, several an array. */
const ticked = (body: unknown): string[] => {
  const v = (body as { methods?: unknown } | undefined)?.methods;
  return (Array.isArray(v) ? v : [v]).filter((m): m is string => typeof m === 'string');
};

/** 料金区分と払込票の発送日 (administrators only). */
export function feeRoutes(app: FastifyInstance, deps: { web: Web; billing: BillingService; requireAdmin: preHandlerHookHandler }) {
  const { web, billing, requireAdmin } = deps;
  const guarded = { preHandler: [requireAdmin, allow('fees.manage')] };

  const page = async (req: FastifyRequest, reply: FastifyReply, p: { values?: FormValues; errors?: FormErrors; status?: number } = {}) => {
    const [fees, slots, next] = await Promise.all([billing.feeTypes(), billing.slipDispatchSlots(), billing.nextSlipDispatch()]);
    return web.render(reply, <FeesPage ctx={web.context(req, reply, 'staff')} fees={fees} values={p.values ?? { dispatches: slots.map(formatSlot).join('\n') }}
      errors={p.errors} nextDispatch={next} />, p.status ?? 200);
  };

  app.get('/staff/fees', guarded, (req, reply) => page(req, reply));

  app.post('/staff/fees/dispatches', guarded, async (req, reply) => {
    const form = parseForm(dispatchSchema, req.body);
    if (!form.ok) return page(req, reply, { values: form.values, errors: form.errors, status: 400 });
    await billing.setSlipDispatchSlots(web.actor(req), form.data.dispatches);
    return web.redirect(reply, '/staff/fees', 'fees.dispatchesSaved');
  });

  const feeOf = (code: string) => {
    if (!CODE.test(code)) throw notFound('fee type');
    return billing.feeType(code);
  };

  app.get<{ Params: { code: string } }>('/staff/fees/:code', guarded, async (req, reply) => {
    const fee = await feeOf(req.params.code);
    return web.render(reply, <FeeTypeFormPage ctx={web.context(req, reply, 'staff')} fee={fee} values={valuesOf(fee)} methods={fee.methods} />);
  });

  app.post<{ Params: { code: string } }>('/staff/fees/:code', guarded, async (req, reply) => {
    const fee = await feeOf(req.params.code);
    const form = parseForm(feeTypeSchema, req.body);
    if (!form.ok) {
      return web.render(reply, <FeeTypeFormPage ctx={web.context(req, reply, 'staff')} fee={fee} values={form.values} methods={ticked(req.body)} errors={form.errors} />, 400);
    }
    await billing.updateFeeType(web.actor(req), fee.code, form.data);
    return web.redirect(reply, '/staff/fees', 'fees.saved');
  });
}
