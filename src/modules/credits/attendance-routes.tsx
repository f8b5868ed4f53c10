import type { FastifyInstance, FastifyReply, FastifyRequest, preHandlerHookHandler } from 'fastify';
import { z } from 'zod';
import { idParam } from '../../platform/errors';
import { parseForm, text } from '../../platform/forms';
import type { FormErrors, FormValues } from '../../platform/views/context';
import type { Web } from '../../platform/web';
import { allow, type StaffAction } from '../../platform/policy';
import type { AttendanceService, ScanOutcome } from './attendance';
import { MeetingsPage, ScanPage } from './attendance-views';

const scanSchema = z.object({ code: text({ max: 2000, required: 'attendance.inputRequired' }) });

/** How the page answers a scan: a credit is a success, the rest say why nothing was added. */
const STATUS: Record<ScanOutcome['result'], number> = { credited: 200, duplicate: 409, invalid: 400, expired: 400, unknown_member: 400 };

/** /staff/credits/checkin: choose the meeting, then scan QR codes or type member numbers at the desk. */
export function attendanceRoutes(app: FastifyInstance, deps: { web: Web; attendance: AttendanceService; requireStaff: preHandlerHookHandler }) {
  const { web, attendance, requireStaff } = deps;
  const guard = (action: StaffAction) => ({ preHandler: [requireStaff, allow(action)] });
  const ctxOf = (req: FastifyRequest, reply: FastifyReply) => web.context(req, reply, 'staff');

  app.get('/staff/credits/checkin', guard('checkin.view'), async (req, reply) =>
    web.render(reply, <MeetingsPage ctx={ctxOf(req, reply)} meetings={await attendance.meetings()} />));

  const scanPage = async (req: FastifyRequest<{ Params: { id: string } }>, reply: FastifyReply,
    extra: { outcome?: ScanOutcome; errors?: FormErrors; values?: FormValues; status?: number } = {}) => {
    const meeting = await attendance.meeting(idParam(req.params.id, 'meeting'));
    const [count, recent] = await Promise.all([attendance.creditedCount(meeting.id), attendance.recentScans(meeting.id)]);
    return web.render(reply, <ScanPage ctx={ctxOf(req, reply)} meeting={meeting} count={count} recent={recent} outcome={extra.outcome} errors={extra.errors}
      values={extra.values} />, extra.status ?? 200);
  };

  app.get<{ Params: { id: string } }>('/staff/credits/checkin/:id', guard('checkin.view'), async (req, reply) => {
    const meeting = await attendance.meeting(idParam(req.params.id, 'meeting'));
    // Not open yet: the list explains it; the page answers as the scan would.
    if (!meeting.open) return web.redirect(reply, '/staff/credits/checkin', 'attendance.notOpenFlash');
    return scanPage(req, reply);
  });

  app.post<{ Params: { id: string } }>('/staff/credits/checkin/:id', guard('checkin.record'), async (req, reply) => {
    const form = parseForm(scanSchema, req.body);
    if (!form.ok) return scanPage(req, reply, { errors: form.errors, values: form.values, status: 400 });
    const outcome = await attendance.scan(web.actor(req), idParam(req.params.id, 'meeting'), form.data.code);
    // The field is emptied for the next member; the result names who it was.
    return scanPage(req, reply, { outcome, status: STATUS[outcome.result] });
  });
}
