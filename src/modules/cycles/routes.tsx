import type { FastifyInstance, FastifyReply, FastifyRequest, preHandlerHookHandler } from 'fastify';
import { allow } from '../../platform/policy';
import { z } from 'zod';
import { idParam, RuleViolation } from '../../platform/errors';
import { formValues, parseForm } from '../../platform/forms';
import type { FormErrors, FormValues } from '../../platform/views/context';
import type { Web } from '../../platform/web';
import { CycleLocked, type CycleAdminService, type CycleRow } from './admin';
import { formValuesOf, cycleSchema } from './schemas';
import { CycleFormPage, CyclesPage, fieldLabel, LOCKED_FORM_FIELDS } from './views';

const cloneSchema = z.object({ from: z.coerce.number().int().positive().max(2_147_483_647) });

/** 更新サイクル (administrators only): the list with 次年度のサイクルを作成, and the edit form with its lock. */
export function cycleRoutes(app: FastifyInstance, deps: {
  web: Web; admin: CycleAdminService; requireAdmin: preHandlerHookHandler; feeTypes: () => Promise<{ code: string; name_ja: string; name_en: string }[]>;
}) {
  const { web, admin, requireAdmin } = deps;
  const guarded = { preHandler: [requireAdmin, allow('cycles.manage')] };

  const list = async (req: FastifyRequest, reply: FastifyReply, message?: string, status = 200) => {
    const { rows, current } = await admin.list();
    return web.render(reply, <CyclesPage ctx={web.context(req, reply, 'staff')} rows={rows} current={current} message={message} />, status);
  };

  app.get('/staff/cycles', guarded, (req, reply) => list(req, reply));

  app.post('/staff/cycles/clone', guarded, async (req, reply) => {
    const form = parseForm(cloneSchema, req.body);
    if (!form.ok) return list(req, reply, req.t('error.400.title'), 400);
    try {
      const cycle = await admin.cloneNext(web.actor(req), form.data.from);
      return web.redirect(reply, `/staff/cycles/${cycle.id}`, 'cycles.cloned');
    } catch (err) {
      if (!(err instanceof RuleViolation) || err.code === 'not_found') throw err;
      return list(req, reply, req.t(err.key, err.params), err.status);
    }
  });

  const form = async (req: FastifyRequest, reply: FastifyReply, p: { row: CycleRow; values: FormValues; errors?: FormErrors; message?: string; status?: number }) =>
    web.render(reply, <CycleFormPage ctx={web.context(req, reply, 'staff')} row={p.row} values={p.values} errors={p.errors} message={p.message}
      feeTypes={await deps.feeTypes()} />, p.status ?? 200);

  app.get<{ Params: { id: string } }>('/staff/cycles/:id', guarded, async (req, reply) => {
    const row = await admin.get(idParam(req.params.id, 'cycle'));
    return form(req, reply, { row, values: formValuesOf(row.cycle) });
  });

  app.post<{ Params: { id: string } }>('/staff/cycles/:id', guarded, async (req, reply) => {
    const row = await admin.get(idParam(req.params.id, 'cycle'));
    // A locked cycle's form leaves its locked fields out: what is not sent keeps its stored value.
    const body = { ...formValuesOf(row.cycle), ...formValues(req.body) };
    const parsed = parseForm(cycleSchema, body);
    const values = parsed.values;
    if (!parsed.ok) return form(req, reply, { row, values, errors: parsed.errors, status: 400 });
    if (!(await deps.feeTypes()).some((f) => f.code === parsed.data.renewal_fee_code)) {
      return form(req, reply, { row, values, errors: { renewal_fee_code: 'cycles.feeUnknown' }, status: 400 });
    }
    try {
      const changed = await admin.update(web.actor(req), row.cycle.id, parsed.data);
      return web.redirect(reply, `/staff/cycles/${row.cycle.id}`, changed.length > 0 ? 'cycles.saved' : 'cycles.unchanged');
    } catch (err) {
      if (!(err instanceof CycleLocked)) throw err;
      const fresh = await admin.get(row.cycle.id);
      const names = err.fields.map((f) => req.t(fieldLabel(f))).join(req.locale === 'ja' ? '、' : ', ');
      // The refused fields go back to their stored values; the rest of the input is kept.
      const kept = Object.fromEntries(Object.entries(values).filter(([k]) => !LOCKED_FORM_FIELDS.has(k)));
      return form(req, reply, { row: fresh, values: { ...formValuesOf(fresh.cycle), ...kept }, message: req.t('cycles.locked', { fields: names }), status: 409 });
    }
  });
}
