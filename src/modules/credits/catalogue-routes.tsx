import type { FastifyInstance, FastifyReply, FastifyRequest, preHandlerHookHandler } from 'fastify';
import type { CatalogueEntry } from '../../platform/db/schema';
import { idParam, RuleViolation } from '../../platform/errors';
import { parseForm } from '../../platform/forms';
import type { Web } from '../../platform/web';
import { allow } from '../../platform/policy';
import { catalogueSchema } from './catalogue-schemas';
import { CatalogueFormPage, CataloguePage } from './catalogue-views';
import type { CreditsService } from './service';

const valuesOf = (e: CatalogueEntry) => ({
  code: e.code, name_ja: e.name_ja, name_en: e.name_en, category_code: e.category_code, kind: e.kind, credits: String(e.credits),
  activity_from: e.activity_from ?? '', activity_to: e.activity_to ?? '', self_reportable: e.self_reportable ? 'on' : '',
  detail_kind: e.detail_kind, limit_group: e.limit_group ?? '', once_per_fiscal_year: e.once_per_fiscal_year ? 'on' : '',
});

/** 単位マスター maintenance: staff create and edit; admins retire, restore, or delete an unused entry. */
export function catalogueStaffRoutes(app: FastifyInstance, deps: { web: Web; credits: CreditsService; requireStaff: preHandlerHookHandler }) {
  const { web, credits, requireStaff } = deps;
  const ctxOf = (req: FastifyRequest, reply: FastifyReply) => web.context(req, reply, 'staff');

  app.get<{ Querystring: { q?: string; retired?: string } }>('/staff/catalogue', { preHandler: [requireStaff, allow('catalogue.view')] }, async (req, reply) => {
    const q = typeof req.query.q === 'string' ? req.query.q.slice(0, 100) : '';
    const includeRetired = req.query.retired === '1';
    const rows = await credits.catalogueForStaff({ q, includeRetired });
    return web.render(reply, <CataloguePage ctx={ctxOf(req, reply)} rows={rows} q={q} includeRetired={includeRetired} isAdmin={req.staff?.role === 'admin'} />);
  });

  const form = async (req: FastifyRequest, reply: FastifyReply, p: { entry?: CatalogueEntry; values: Record<string, string>; errors?: Record<string, never> | import('../../platform/views/context').FormErrors; message?: string; status?: number }) => {
    const categories = await credits.categories();
    return web.render(reply, <CatalogueFormPage ctx={ctxOf(req, reply)} entry={p.entry} categories={categories} values={p.values} errors={p.errors}
      message={p.message} canDelete={req.staff?.role === 'admin'} />, p.status ?? 200);
  };

  app.get('/staff/catalogue/new', { preHandler: [requireStaff, allow('catalogue.edit')] }, (req, reply) => form(req, reply, { values: { kind: 'related_meeting', detail_kind: 'none', category_code: 'I' } }));

  app.post('/staff/catalogue/new', { preHandler: [requireStaff, allow('catalogue.edit')] }, async (req, reply) => {
    const parsed = parseForm(catalogueSchema, req.body);
    if (!parsed.ok) return form(req, reply, { values: parsed.values, errors: parsed.errors, status: 400 });
    if (!parsed.data.code) return form(req, reply, { values: parsed.values, errors: { code: 'catalogue.codeInvalid' }, status: 400 });
    try {
      await credits.createCatalogueEntry(web.actor(req), { ...parsed.data, code: parsed.data.code });
    } catch (err) {
      if (err instanceof RuleViolation && err.key === 'catalogue.codeTaken') return form(req, reply, { values: parsed.values, errors: { code: 'catalogue.codeTaken' }, status: 409 });
      throw err;
    }
    return web.redirect(reply, '/staff/catalogue', 'catalogue.saved');
  });

  app.get<{ Params: { id: string } }>('/staff/catalogue/:id', { preHandler: [requireStaff, allow('catalogue.view')] }, async (req, reply) => {
    const entry = await credits.catalogueEntry(idParam(req.params.id, 'catalogue'));
    return form(req, reply, { entry, values: valuesOf(entry) });
  });

  app.post<{ Params: { id: string } }>('/staff/catalogue/:id', { preHandler: [requireStaff, allow('catalogue.edit')] }, async (req, reply) => {
    const entry = await credits.catalogueEntry(idParam(req.params.id, 'catalogue'));
    const parsed = parseForm(catalogueSchema, req.body);
    if (!parsed.ok) return form(req, reply, { entry, values: parsed.values, errors: parsed.errors, status: 400 });
    const { code: _code, ...fields } = parsed.data;
    await credits.updateCatalogueEntry(web.actor(req), entry.id, fields);
    return web.redirect(reply, '/staff/catalogue', 'catalogue.saved');
  });

  const adminAction = (path: 'retire' | 'restore' | 'delete') =>
    app.post<{ Params: { id: string } }>(`/staff/catalogue/:id/${path}`, { preHandler: [requireStaff, allow('catalogue.retire')] }, async (req, reply) => {
      const id = idParam(req.params.id, 'catalogue');
      if (path === 'delete') {
        try {
          await credits.deleteCatalogueEntry(web.actor(req), id);
        } catch (err) {
          if (!(err instanceof RuleViolation) || err.code === 'not_found') throw err;
          const entry = await credits.catalogueEntry(id);
          return form(req, reply, { entry, values: valuesOf(entry), message: req.t(err.key), status: 409 });
        }
        return web.redirect(reply, '/staff/catalogue', 'catalogue.deleted');
      }
      await credits.setCatalogueRetired(web.actor(req), id, path === 'retire');
      return web.redirect(reply, '/staff/catalogue?retired=1', path === 'retire' ? 'catalogue.retiredDone' : 'catalogue.restored');
    });
  adminAction('retire');
  adminAction('restore');
  adminAction('delete');
}
