import type { FastifyInstance, preHandlerHookHandler } from 'fastify';
import { idParam } from '../../platform/errors';
import { parseForm } from '../../platform/forms';
import type { Web } from '../../platform/web';
import { allow, type StaffAction } from '../../platform/policy';
import { noticeSchema, toTokyoInput } from './schemas';
import type { NoticesService } from './service';
import { NoticeFormPage, NoticesPage } from './views';

/** お知らせ management for the secretariat (/staff/notices). */
export function noticeStaffRoutes(app: FastifyInstance, deps: { web: Web; notices: NoticesService; requireStaff: preHandlerHookHandler }) {
  const { web, notices, requireStaff } = deps;
  const guard = (action: StaffAction) => ({ preHandler: [requireStaff, allow(action)] });
  const idOf = (raw: string) => idParam(raw, 'notice');

  app.get('/staff/notices', guard('notices.view'), async (req, reply) =>
    web.render(reply, <NoticesPage ctx={web.context(req, reply, 'staff')} notices={await notices.all()} statusOf={(n) => notices.status(n)} />));

  app.get('/staff/notices/new', guard('notices.manage'), async (req, reply) =>
    web.render(reply, <NoticeFormPage ctx={web.context(req, reply, 'staff')} values={{ publish_from: toTokyoInput(notices.now()) }} />));

  app.post('/staff/notices/new', guard('notices.manage'), async (req, reply) => {
    const form = parseForm(noticeSchema, req.body);
    if (!form.ok) return web.render(reply, <NoticeFormPage ctx={web.context(req, reply, 'staff')} errors={form.errors} values={form.values} />, 400);
    await notices.create(web.actor(req), { ...form.data, publish_from: form.data.publish_from! });
    return web.redirect(reply, '/staff/notices', 'staff.noticeSaved');
  });

  app.get<{ Params: { id: string } }>('/staff/notices/:id', guard('notices.view'), async (req, reply) => {
    const n = await notices.get(idOf(req.params.id));
    const values = {
      title_ja: n.title_ja, body_ja: n.body_ja, title_en: n.title_en, body_en: n.body_en,
      publish_from: toTokyoInput(n.publish_from), publish_until: toTokyoInput(n.publish_until),
    };
    return web.render(reply, <NoticeFormPage ctx={web.context(req, reply, 'staff')} id={n.id} values={values} />);
  });

  app.post<{ Params: { id: string } }>('/staff/notices/:id', guard('notices.manage'), async (req, reply) => {
    const id = idOf(req.params.id);
    const form = parseForm(noticeSchema, req.body);
    if (!form.ok) return web.render(reply, <NoticeFormPage ctx={web.context(req, reply, 'staff')} id={id} errors={form.errors} values={form.values} />, 400);
    await notices.update(web.actor(req), id, { ...form.data, publish_from: form.data.publish_from! });
    return web.redirect(reply, '/staff/notices', 'staff.noticeSaved');
  });

  app.post<{ Params: { id: string } }>('/staff/notices/:id/delete', guard('notices.manage'), async (req, reply) => {
    await notices.delete(web.actor(req), idOf(req.params.id));
    return web.redirect(reply, '/staff/notices', 'staff.noticeDeleted');
  });
}
