import type { FastifyInstance, preHandlerHookHandler } from 'fastify';
import type { VNode } from 'preact';
import type { PageContext } from '../../platform/views/context';
import { AppError, idParam, notFound } from '../../platform/errors';
import { parseForm } from '../../platform/forms';
import { normalizeDigits } from '../../platform/japanese';
import type { Mailer } from '../../platform/mail/mailer';
import type { Web } from '../../platform/web';
import { authRateLimit, clearSessionCookie, setSessionCookie } from '../auth/routes';
import { newPasswordSchema } from '../auth/schemas';
import type { AuthService } from '../auth/service';
import type { CheckinService } from '../checkin/service';
import { contactSchema } from '../members/schemas';
import type { Member, MembersService } from '../members/service';
import { allow, isStaffRole, type StaffAction } from '../../platform/policy';
import { AuditTrailSection, ContactEditPage, MailPage, MemberMailsSection } from './member-360-views';
import { codeSchema, inviteSchema, qrVerifySchema, roleSchema, staffLoginSchema } from './schemas';
import type { StaffService } from './service';
import {
  AcceptInvitePage, AccountsPage, EnrolPage, InvitePage, MemberSearchPage, QrVerifyPage, RecoveryCodesPage, SecondFactorPage,
  StaffLoginPage, StaffMemberPage,
} from './views';

const SEARCH_LIMIT = 50;
const AUDIT_PAGE = 50;

export function staffRoutes(app: FastifyInstance, deps: {
  web: Web; staff: StaffService; members: MembersService; auth: AuthService; checkin: CheckinService; mailer: Mailer;
  requireStaff: preHandlerHookHandler; secureCookies: boolean; rateLimit: number;
  /** Sections other modules add to the member page (the credit ledger, later applications and invoices). */
  memberSections?: (ctx: PageContext, memberId: number) => Promise<VNode>;
}) {
  const { web, staff, members, auth, checkin, requireStaff, secureCookies } = deps;
  const guard = (action: StaffAction) => ({ preHandler: [requireStaff, allow(action)] });
  const limited = authRateLimit(deps.rateLimit);
  const ctxOf = (req: Parameters<Web['context']>[0], reply: Parameters<Web['context']>[1]) => web.context(req, reply, 'staff');

  // ── Sign-in: password, then TOTP (or enrolment on the first login) ─────────────────────────────
  app.get<{ Querystring: { expired?: string } }>('/staff/login', async (req, reply) => {
    if (req.staff) return reply.redirect('/staff', 303);
    const ctx = ctxOf(req, reply);
    return web.render(reply, <StaffLoginPage ctx={ctx} message={req.query.expired ? ctx.t('login.sessionExpired') : undefined} />);
  });

  app.post('/staff/login', limited, async (req, reply) => {
    const form = parseForm(staffLoginSchema, req.body);
    if (!form.ok) return web.render(reply, <StaffLoginPage ctx={ctxOf(req, reply)} errors={form.errors} values={form.values} />, 400);
    const result = await staff.login(web.actor(req), form.data.email, form.data.password, req.staffSession);
    if (!result.ok) {
      const ctx = ctxOf(req, reply);
      const message = result.reason === 'throttled'
        ? ctx.t('login.throttled', { minutes: Math.max(1, Math.ceil(result.waitMs / 60_000)) })
        : ctx.t('staff.loginFailed');
      return web.render(reply, <StaffLoginPage ctx={ctx} values={form.values} message={message} />, result.reason === 'throttled' ? 429 : 400);
    }
    setSessionCookie(reply, 'staff', result.session.token, secureCookies);
    return reply.redirect(result.next === 'verify' ? '/staff/login/verify' : '/staff/enrol', 303);
  });

  app.get('/staff/login/verify', async (req, reply) => {
    if (req.staffSession?.stage !== 'second_factor') return reply.redirect('/staff/login', 303);
    return web.render(reply, <SecondFactorPage ctx={ctxOf(req, reply)} />);
  });

  app.post('/staff/login/verify', limited, async (req, reply) => {
    const session = req.staffSession;
    if (session?.stage !== 'second_factor') return reply.redirect('/staff/login', 303);
    const form = parseForm(codeSchema, req.body);
    if (!form.ok) return web.render(reply, <SecondFactorPage ctx={ctxOf(req, reply)} errors={form.errors} />, 400);
    const result = await staff.verifySecondFactor(web.actor(req), session, form.data.code);
    if (typeof result === 'object' && 'active' in result) {
      setSessionCookie(reply, 'staff', result.active.token, secureCookies);
      return reply.redirect('/staff', 303);
    }
    const ctx = ctxOf(req, reply);
    if (result === 'invalid') return web.render(reply, <SecondFactorPage ctx={ctx} errors={{ code: 'staff.totpInvalid' }} />, 400);
    return web.render(reply, <SecondFactorPage ctx={ctx} message={ctx.t('login.throttled', { minutes: Math.max(1, Math.ceil(result.waitMs / 60_000)) })} />, 429);
  });

  app.get('/staff/enrol', async (req, reply) => {
    const session = req.staffSession;
    if (session?.stage !== 'enrol') return reply.redirect('/staff/login', 303);
    const { secret, qr } = await staff.startEnrolment(session);
    return web.render(reply, <EnrolPage ctx={ctxOf(req, reply)} secret={secret} qr={qr} />);
  });

  app.post('/staff/enrol', limited, async (req, reply) => {
    const session = req.staffSession;
    if (session?.stage !== 'enrol') return reply.redirect('/staff/login', 303);
    const form = parseForm(codeSchema, req.body);
    const enrolled = form.ok ? await staff.completeEnrolment(web.actor(req), session, form.data.code) : null;
    if (!enrolled) {
      const { secret, qr } = await staff.startEnrolment(session);
      return web.render(reply, <EnrolPage ctx={ctxOf(req, reply)} secret={secret} qr={qr} errors={form.ok ? { code: 'staff.totpInvalid' } : form.errors} />, 400);
    }
    setSessionCookie(reply, 'staff', enrolled.active.token, secureCookies);
    req.staff = { id: session.subjectId, displayName: String(enrolled.active.data.name ?? ''), role: isStaffRole(enrolled.active.data.role) ? enrolled.active.data.role : 'auditor' };
    return web.render(reply, <RecoveryCodesPage ctx={ctxOf(req, reply)} codes={enrolled.codes} />);
  });

  app.post('/staff/logout', async (req, reply) => {
    if (req.staffSession) await staff.logout(web.actor(req), req.staffSession);
    clearSessionCookie(reply, 'staff', secureCookies);
    return web.redirect(reply, '/staff/login', 'login.loggedOut');
  });

  // ── Invitation: an admin invites, the new colleague sets a password, then enrols at first login ──
  app.get<{ Params: { token: string } }>('/staff/invite/:token', async (req, reply) => {
    const usable = await staff.isInviteUsable(req.params.token);
    return web.render(reply, <AcceptInvitePage ctx={ctxOf(req, reply)} token={req.params.token} invalid={!usable} />, usable ? 200 : 400);
  });

  app.post<{ Params: { token: string } }>('/staff/invite/:token', limited, async (req, reply) => {
    const form = parseForm(newPasswordSchema, req.body);
    if (!form.ok) return web.render(reply, <AcceptInvitePage ctx={ctxOf(req, reply)} token={req.params.token} errors={form.errors} />, 400);
    const problem = await staff.acceptInvite(web.actor(req), req.params.token, form.data.password);
    if (problem === 'invalid') return web.render(reply, <AcceptInvitePage ctx={ctxOf(req, reply)} token={req.params.token} invalid />, 400);
    if (problem) return web.render(reply, <AcceptInvitePage ctx={ctxOf(req, reply)} token={req.params.token} errors={{ password: problem }} />, 400);
    return web.redirect(reply, '/staff/login', 'staff.acceptDone');
  });

  // ── Member search and the read-only member page ─────────────────────────────────────────────────
  app.get<{ Querystring: { q?: string } }>('/staff', guard('members.view'), async (req, reply) => {
    const query = typeof req.query.q === 'string' ? req.query.q.slice(0, 200) : '';
    const results = query.trim() ? await members.search(query, SEARCH_LIMIT) : undefined;
    return web.render(reply, <MemberSearchPage ctx={ctxOf(req, reply)} query={query} results={results} limit={SEARCH_LIMIT} />);
  });

  const memberByNumber = (raw: string) => members.getByNumber(raw);

  // 会員360°: every section read in parallel (each one or two indexed queries), the audit page in the URL.
  app.get<{ Params: { number: string }; Querystring: { auditPage?: string } }>('/staff/members/:number', guard('members.view'), async (req, reply) => {
    const member = await memberByNumber(req.params.number);
    const ctx = ctxOf(req, reply);
    const page = Math.min(Math.max(1, Number.parseInt(normalizeDigits(String(req.query.auditPage ?? '1')), 10) || 1), 10_000);
    const [sections, mails, trail] = await Promise.all([
      deps.memberSections ? deps.memberSections(ctx, member.id) : undefined,
      deps.mailer.forMember(member.id),
      staff.memberAuditTrail(member.id, { limit: AUDIT_PAGE, offset: (page - 1) * AUDIT_PAGE }),
    ]);
    return web.render(reply, (
      <StaffMemberPage ctx={ctx} member={member}>
        {sections}
        <MemberMailsSection ctx={ctx} member={member} rows={mails} />
        <AuditTrailSection ctx={ctx} member={member} rows={trail.rows} page={page} more={trail.more} staffNames={trail.staffNames} />
      </StaffMemberPage>
    ));
  });

  app.get<{ Params: { number: string; id: string } }>('/staff/members/:number/mails/:id', guard('members.view'), async (req, reply) => {
    const member = await memberByNumber(req.params.number);
    const mail = await deps.mailer.oneForMember(member.id, idParam(req.params.id, 'mail'));
    if (!mail) throw notFound('mail');
    return web.render(reply, <MailPage ctx={ctxOf(req, reply)} member={member} mail={mail} />);
  });

  // ── 連絡先の編集 (事務局): email, phone, 〒, address, organisation in one form ───────────────────────
  const contactValues = (m: Member) => ({
    email: m.email, phone: m.phone, postal_code: m.postal_code, prefecture: m.prefecture, address_line1: m.address_line1, address_line2: m.address_line2, organisation: m.organisation,
  });

  app.get<{ Params: { number: string } }>('/staff/members/:number/contact', guard('members.editContact'), async (req, reply) => {
    const member = await memberByNumber(req.params.number);
    return web.render(reply, <ContactEditPage ctx={ctxOf(req, reply)} member={member} values={contactValues(member)} />);
  });

  app.post<{ Params: { number: string } }>('/staff/members/:number/contact', guard('members.editContact'), async (req, reply) => {
    const member = await memberByNumber(req.params.number);
    const form = parseForm(contactSchema, req.body);
    if (!form.ok) return web.render(reply, <ContactEditPage ctx={ctxOf(req, reply)} member={member} values={form.values} errors={form.errors} />, 400);
    const { changed } = await members.updateContact(web.actor(req), member.id, form.data);
    return web.redirect(reply, `/staff/members/${member.member_number}`, changed.length === 0 ? 'm360.contactUnchanged' : 'm360.contactSaved');
  });

  app.post<{ Params: { number: string } }>('/staff/members/:number/reset-link', guard('members.sendResetLink'), async (req, reply) => {
    const member = await memberByNumber(req.params.number);
    const sent = await auth.sendResetLink(web.actor(req), member.id, 'ja');
    return web.redirect(reply, `/staff/members/${member.member_number}`, sent ? 'staff.resetSent' : 'staff.resetSuppressed');
  });

  // ── Check-in QR verification (reception desk) ──────────────────────────────────────────────────
  app.get('/staff/qr', guard('checkin.view'), async (req, reply) => web.render(reply, <QrVerifyPage ctx={ctxOf(req, reply)} />));

  app.post('/staff/qr', guard('checkin.verifyQr'), async (req, reply) => {
    const form = parseForm(qrVerifySchema, req.body);
    if (!form.ok) return web.render(reply, <QrVerifyPage ctx={ctxOf(req, reply)} errors={form.errors} values={form.values} />, 400);
    const result = await checkin.verify(form.data.code);
    return web.render(reply, <QrVerifyPage ctx={ctxOf(req, reply)} values={form.values} result={result} />);
  });

  // ── Staff accounts (admin only) ────────────────────────────────────────────────────────────────
  app.get('/staff/accounts', guard('staff.accounts'), async (req, reply) =>
    web.render(reply, <AccountsPage ctx={ctxOf(req, reply)} users={await staff.list()} selfId={req.staff!.id} />));

  app.get('/staff/accounts/new', guard('staff.accounts'), async (req, reply) => web.render(reply, <InvitePage ctx={ctxOf(req, reply)} />));

  app.post('/staff/accounts/new', guard('staff.accounts'), async (req, reply) => {
    const form = parseForm(inviteSchema, req.body);
    if (!form.ok) return web.render(reply, <InvitePage ctx={ctxOf(req, reply)} errors={form.errors} values={form.values} />, 400);
    try {
      await staff.invite(web.actor(req), form.data, req.locale);
    } catch (err) {
      if (err instanceof AppError && err.code === 'conflict') {
        return web.render(reply, <InvitePage ctx={ctxOf(req, reply)} errors={{ email: 'staff.emailTaken' }} values={form.values} />, 409);
      }
      throw err;
    }
    return web.redirect(reply, '/staff/accounts', 'staff.invited');
  });

  const accountAction = (path: string, run: (actorId: ReturnType<Web['actor']>, id: number) => Promise<void>, flash: 'staff.disabled' | 'staff.enabled' | 'staff.reset2faDone') =>
    app.post<{ Params: { id: string } }>(`/staff/accounts/:id/${path}`, guard('staff.accounts'), async (req, reply) => {
      const id = idParam(req.params.id, 'staff');
      await run(web.actor(req), id);
      return web.redirect(reply, '/staff/accounts', flash);
    });
  accountAction('disable', (actor, id) => staff.setDisabled(actor, id, true), 'staff.disabled');
  accountAction('enable', (actor, id) => staff.setDisabled(actor, id, false), 'staff.enabled');
  accountAction('reset-2fa', (actor, id) => staff.resetSecondFactor(actor, id), 'staff.reset2faDone');

  app.post<{ Params: { id: string } }>('/staff/accounts/:id/role', guard('staff.accounts'), async (req, reply) => {
    const id = idParam(req.params.id, 'staff');
    const form = parseForm(roleSchema, req.body);
    if (!form.ok) throw new AppError('bad_request');
    await staff.setRole(web.actor(req), id, form.data.role);
    return web.redirect(reply, '/staff/accounts', 'staff.roleChanged');
  });
}
