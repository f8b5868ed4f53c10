import type { FastifyInstance, preHandlerHookHandler } from 'fastify';
import { badRequest } from '../../platform/errors';
import { parseForm } from '../../platform/forms';
import type { Web } from '../../platform/web';
import { preferencesSchema } from './schemas';
import type { RemindersService } from './service';

/** 「お知らせメールの設定」 (the form lives on 会員情報照会) and the member's deadlines as an iCalendar file. */
export function reminderRoutes(app: FastifyInstance, deps: { web: Web; reminders: RemindersService; requireMember: preHandlerHookHandler; societyName: { ja: string; en: string } }) {
  const { web, reminders, requireMember } = deps;
  const guarded = { preHandler: requireMember };

  app.post('/profile/reminders', guarded, async (req, reply) => {
    // Two checkboxes: a value other than "1" comes only from a hand-made request, so it gets the 400 page.
    const form = parseForm(preferencesSchema, req.body);
    if (!form.ok) throw badRequest('reminder preferences');
    await reminders.setPreferences(web.actor(req), req.member!.id, form.data);
    return web.redirect(reply, '/profile/detail#reminders-h', 'reminders.saved');
  });

  app.get('/profile/deadlines.ics', guarded, async (req, reply) => {
    const body = await reminders.calendarFor(req.member!.id, req.locale, deps.societyName[req.locale]);
    return reply
      .header('content-type', 'text/calendar; charset=utf-8')
      .header('content-disposition', 'attachment; filename="deadlines.ics"')
      .header('cache-control', 'no-store')
      .send(body);
  });
}
