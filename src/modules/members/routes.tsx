import type { FastifyInstance, preHandlerHookHandler } from 'fastify';
import type { VNode } from 'preact';
import type { PageContext } from '../../platform/views/context';
import { parseForm } from '../../platform/forms';
import type { Web } from '../../platform/web';
import { addressSchema, emailChangeSchema } from './schemas';
import type { MembersService } from './service';
import { AddressPage, EmailChangePage, MessagePage, ProfileListPage, ProfilePage } from './views';

/** A related list another module adds to 会員情報照会 (単位情報, 申請情報, 請求 …). */
export type RelatedSection = (ctx: PageContext, memberId: number) => Promise<VNode>;

export function memberProfileRoutes(app: FastifyInstance, deps: { web: Web; members: MembersService; requireMember: preHandlerHookHandler; related?: RelatedSection }) {
  const { web, members, requireMember } = deps;
  const guarded = { preHandler: requireMember };

  app.get('/profile', guarded, async (req, reply) => {
    const member = await members.getById(req.member!.id);
    return web.render(reply, <ProfileListPage ctx={web.context(req, reply)} member={member} />);
  });

  app.get('/profile/detail', guarded, async (req, reply) => {
    const member = await members.getById(req.member!.id);
    const ctx = web.context(req, reply);
    const related = deps.related ? await deps.related(ctx, member.id) : undefined;
    return web.render(reply, <ProfilePage ctx={ctx} member={member} related={related} />);
  });

  app.get('/profile/email', guarded, async (req, reply) => {
    const member = await members.getById(req.member!.id);
    return web.render(reply, <EmailChangePage ctx={web.context(req, reply)} member={member} />);
  });

  app.post('/profile/email', guarded, async (req, reply) => {
    const member = await members.getById(req.member!.id);
    const form = parseForm(emailChangeSchema, req.body);
    const errors = form.ok ? (form.data.email.toLowerCase() === member.email.toLowerCase() ? { email: 'profile.emailSame' as const } : undefined) : form.errors;
    if (!form.ok || errors) {
      return web.render(reply, <EmailChangePage ctx={web.context(req, reply)} member={member} errors={errors} values={form.values} />, 400);
    }
    await members.requestEmailChange(web.actor(req), member.id, form.data.email, req.locale);
    const ctx = web.context(req, reply);
    return web.render(reply, <MessagePage ctx={ctx} title={ctx.t('profile.emailTitle')} message={ctx.t('profile.emailSent', { email: form.data.email })} />);
  });

  // Opened from the mail, possibly on another device: the single-use token is the proof, no login needed.
  app.get<{ Params: { token: string } }>('/profile/email/confirm/:token', async (req, reply) => {
    const ok = await members.confirmEmailChange(web.actor(req), req.params.token, req.locale);
    const ctx = web.context(req, reply);
    return web.render(
      reply,
      <MessagePage ctx={ctx} title={ctx.t('profile.emailTitle')} message={ctx.t(ok ? 'profile.emailChanged' : 'profile.emailLinkInvalid')} />,
      ok ? 200 : 400,
    );
  });

  app.get('/profile/address', guarded, async (req, reply) => {
    const m = await members.getById(req.member!.id);
    const values = { postal_code: m.postal_code, prefecture: m.prefecture, address_line1: m.address_line1, address_line2: m.address_line2, organisation: m.organisation };
    return web.render(reply, <AddressPage ctx={web.context(req, reply)} values={values} />);
  });

  app.post('/profile/address', guarded, async (req, reply) => {
    const form = parseForm(addressSchema, req.body);
    if (!form.ok) return web.render(reply, <AddressPage ctx={web.context(req, reply)} errors={form.errors} values={form.values} />, 400);
    await members.updateAddress(web.actor(req), req.member!.id, form.data);
    return web.redirect(reply, '/profile/detail', 'profile.addressSaved');
  });
}
