import type { FastifyInstance, preHandlerHookHandler } from 'fastify';
import type { Web } from '../../platform/web';
import type { MembersService } from '../members/service';
import type { CheckinService } from './service';
import { CheckinQrPage } from './views';

export function checkinRoutes(app: FastifyInstance, deps: { web: Web; checkin: CheckinService; members: MembersService; requireMember: preHandlerHookHandler }) {
  const { web, checkin, members, requireMember } = deps;

  // Issued on a click (POST), never by merely opening a page: each code is a fresh, dated credential.
  app.post('/checkin-qr', { preHandler: requireMember }, async (req, reply) => {
    const member = await members.getById(req.member!.id);
    const issued = await checkin.issue(web.actor(req), member);
    return web.render(reply, <CheckinQrPage ctx={web.context(req, reply)} {...issued} />);
  });

  app.get('/checkin-qr', { preHandler: requireMember }, async (_req, reply) => reply.redirect('/', 303));

  app.get('/checkin/public-key.pem', async (_req, reply) =>
    reply.header('content-type', 'application/x-pem-file').send(await checkin.publicKeyPem()));
}
