import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import cookie from '@fastify/cookie';
import csrf from '@fastify/csrf-protection';
import formbody from '@fastify/formbody';
import helmet from '@fastify/helmet';
import multipart from '@fastify/multipart';
import rateLimit from '@fastify/rate-limit';
import fastifyStatic from '@fastify/static';
import Fastify, { type FastifyBaseLogger, type FastifyError, type FastifyInstance, type FastifyReply, type FastifyRequest, type preHandlerHookHandler } from 'fastify';
import type { Clock } from './platform/clock';
import type { Config } from './platform/config';
import { type Db, isDatabaseDown } from './platform/db/database';
import { AppError, RuleViolation } from './platform/errors';
import { translator } from './platform/i18n';
import { HEARTBEAT_JOB, type Jobs } from './platform/jobs';
import { postgresRateLimitStore, purgeRateLimits } from './platform/security/rate-limit-store';
import { Mailer, MAIL_JOB, type Transport } from './platform/mail/mailer';
import { loggerOptions } from './platform/logger';
import { installMetrics, Metrics } from './platform/metrics';
import { installRequestContext, requestIdFor } from './platform/request-context';
import { cookieName } from './platform/security/cookies';
import { SessionStore, sessionCookieName, type Realm } from './platform/security/sessions';
import { LoginThrottle } from './platform/security/throttle';
import { FileStore, MAX_UPLOAD_BYTES } from './platform/uploads';
import { installPolicy, isStaffRole } from './platform/policy';
import { ErrorPage } from './platform/views/error-page';
import { createWeb, decodablePath, safeLocalPath, webCookies } from './platform/web';
import { isLocale, type MessageKey } from './platform/i18n';
import { apiRoutes } from './modules/api/routes';
import { EligibilityService } from './modules/applications/eligibility';
import { applicationRoutes } from './modules/applications/routes';
import { ApplicationsService } from './modules/applications/service';
import { ApplicationListService } from './modules/applications/staff-list';
import { applicationListRoutes } from './modules/applications/staff-list-routes';
import { ApplicationsRelated, StaffApplicationsSection, StaffEligibilitySection, TaskList } from './modules/applications/views';
import { ApiService } from './modules/api/service';
import { clearSessionCookie, memberAuthRoutes } from './modules/auth/routes';
import { AuthService } from './modules/auth/service';
import { receiptRoutes } from './modules/billing/receipt-routes';
import { ReceiptsService } from './modules/billing/receipts';
import { billingRoutes } from './modules/billing/routes';
import { slipRoutes } from './modules/billing/slip-routes';
import { InvoiceSearchService } from './modules/billing/search';
import { staffBillingRoutes } from './modules/billing/staff-billing-routes';
import { OverpaymentsRelated } from './modules/billing/staff-billing-views';
import { OverpaymentsService } from './modules/billing/overpayments';
import { ResultImportService } from './modules/billing/result-import';
import { resultImportRoutes } from './modules/billing/result-import-routes';
import { BillingService, INVOICE_SETTLED_JOB, type InvoiceSettled } from './modules/billing/service';
import { InvoicesRelated } from './modules/billing/views';
import { createGateway } from './modules/payments/gateways';
import { paymentRoutes } from './modules/payments/routes';
import { SandboxGateway } from './modules/payments/sandbox-gateway';
import { sandboxGatewayRoutes } from './modules/payments/sandbox-routes';
import { PaymentsService } from './modules/payments/service';
import { paymentSections } from './modules/payments/views';
import { paymentListRoutes } from './modules/payments/staff-list-routes';
import { reportRoutes } from './modules/reports/routes';
import { ReportsService } from './modules/reports/service';
import { StaffAttempts, StaffMemberAttempts } from './modules/payments/staff-views';
import { checkinRoutes } from './modules/checkin/routes';
import { certificateRoutes } from './modules/certificates/routes';
import { CertificatesService } from './modules/certificates/service';
import { MemberCertificates } from './modules/certificates/views';
import { creditRoutes } from './modules/credits/routes';
import { CreditsService } from './modules/credits/service';
import { creditStaffRoutes } from './modules/credits/staff-routes';
import { AttendanceService } from './modules/credits/attendance';
import { attendanceRoutes } from './modules/credits/attendance-routes';
import { CreditImportService } from './modules/credits/import';
import { creditImportRoutes } from './modules/credits/import-routes';
import { catalogueStaffRoutes } from './modules/credits/catalogue-routes';
import { StaffLedger } from './modules/credits/staff-views';
import { CreditsRelated } from './modules/credits/views';
import { CyclesService } from './modules/cycles/service';
import { CycleAdminService } from './modules/cycles/admin';
import { cycleRoutes } from './modules/cycles/routes';
import { feeRoutes } from './modules/billing/fee-routes';
import { CheckinService } from './modules/checkin/service';
import { devMailRoutes } from './modules/devmail/routes';
import { homeRoutes } from './modules/home/routes';
import { memberProfileRoutes } from './modules/members/routes';
import { MembersService } from './modules/members/service';
import { noticeStaffRoutes } from './modules/notices/routes';
import { reminderRoutes } from './modules/reminders/routes';
import { REMINDERS_JOB, RemindersService } from './modules/reminders/service';
import { ReminderSettings } from './modules/reminders/views';
import { NoticesService } from './modules/notices/service';
import { auditRoutes } from './modules/audit/routes';
import { AuditTrailService } from './modules/audit/service';
import { MemberFilesSection } from './modules/staff/member-360-views';
import { staffRoutes } from './modules/staff/routes';
import { StaffService } from './modules/staff/service';

export interface AppDeps {
  config: Config;
  db: Db;
  /** A read replica (DATABASE_REPLICA_URL) for the dashboard and exports; they read the primary when unset. */
  readDb?: Db;
  jobs: Jobs;
  clock: Clock;
  /** null: no SMTP (development), mail lives only in the outbox page. */
  mailTransport: Transport | null;
  /** A check the readiness probe runs (the database answers). */
  ready?: () => Promise<boolean>;
  /** The process's logger (boot.ts), shared with the jobs; otherwise Fastify makes one from the config. */
  logger?: FastifyBaseLogger;
}

export interface Services {
  members: MembersService;
  auth: AuthService;
  notices: NoticesService;
  staff: StaffService;
  checkin: CheckinService;
  cycles: CyclesService;
  /** 更新サイクルの管理 (admin): clone, edit, the lock once renewals are submitted. */
  cycleAdmin: CycleAdminService;
  billing: BillingService;
  /** 過入金: money no invoice could take, until refunded. */
  overpayments: OverpaymentsService;
  /** 請求の検索 (staff): filters, totals, pages, CSV batches. */
  invoiceSearch: InvoiceSearchService;
  /** 入金結果の取込: postal / bank transfer and direct-debit result files. */
  resultImport: ResultImportService;
  receipts: ReceiptsService;
  payments: PaymentsService;
  /** The built-in sandbox gateway (null in production). */
  sandbox: SandboxGateway | null;
  credits: CreditsService;
  creditImport: CreditImportService;
  attendance: AttendanceService;
  api: ApiService;
  /** 専門医資格申請情報 and the one eligibility check it submits with. */
  applications: ApplicationsService;
  /** 専門医証: numbering, PDFs, /verify, mailings. */
  certificates: CertificatesService;
  /** A cycle's applications for the secretariat: figures, daily trend, the lists behind them. */
  applicationList: ApplicationListService;
  /** ダッシュボード: the current cycle's figures. */
  reports: ReportsService;
  /** What the dashboard and the exports read through: the same services on the read replica when there is one. */
  reportReads: ReportReads;
  /** お知らせメール (daily, once per member and event) and the deadlines as iCalendar. */
  reminders: RemindersService;
  mailer: Mailer;
  sessions: SessionStore;
  /** 監査ログ: the audit trail, searched and exported (read only). */
  auditTrail: AuditTrailService;
  /** Prometheus metrics at /metrics (decisions/0026). */
  metrics: Metrics;
}

type ReportReads = Pick<Services, 'cycles' | 'members' | 'applicationList' | 'credits' | 'billing' | 'invoiceSearch' | 'payments' | 'overpayments'>;

const require = createRequire(import.meta.url);
const tokensCss = fs.readFileSync(require.resolve('@digital-go-jp/design-tokens/dist/tokens.css'), 'utf8');

/** Every service, built once from the edges (database, clock, jobs, mail transport). */
export function createServices(deps: AppDeps): Services {
  const { config, db, jobs, clock } = deps;
  const sessions = new SessionStore(db, clock);
  const throttle = new LoginThrottle(db, clock);
  const metrics = new Metrics({ queues: () => jobs.queueStats() });
  const mailer = new Mailer(db, jobs, deps.mailTransport, config, metrics);
  const members = new MembersService({ db, clock, mailer, baseUrl: config.baseUrl });
  const refuseDemoPasswords = !config.demoLoginsAllowed;
  const auth = new AuthService({ db, clock, mailer, sessions, throttle, members, baseUrl: config.baseUrl, refuseDemoPasswords });
  const notices = new NoticesService({ db, clock });
  const staff = new StaffService({ db, clock, mailer, sessions, throttle, baseUrl: config.baseUrl, secret: config.sessionSecret, issuer: config.societyName.ja, refuseDemoPasswords });
  const checkin = new CheckinService({ db, clock });
  const cycles = new CyclesService({ db, clock });
  const billing = new BillingService({ db, clock, mailer, jobs, members, baseUrl: config.baseUrl });
  const sandbox = config.sandboxGateway ? new SandboxGateway({ db, secret: config.sandboxGateway.secret, clock }) : null;
  const overpayments = new OverpaymentsService({ db, clock });
  const invoiceSearch = new InvoiceSearchService({ db, clock, billing });
  const resultImport = new ResultImportService({ db, clock, billing, overpayments, members });
  const payments = new PaymentsService({ db, clock, billing, overpayments, members, mailer, baseUrl: config.baseUrl, gateway: createGateway(config, clock, sandbox), metrics });
  // Paid by transfer or a result file while numbers were out: cancel them, so nobody pays twice.
  billing.onSettled((event) => payments.onInvoiceSettled(event));
  const receipts = new ReceiptsService({ db, clock, members, issuer: config.receipt, compressPdf: config.env !== 'test' });
  const files = new FileStore(path.join(config.dataDir, 'uploads'));
  const credits = new CreditsService({ db, clock, mailer, members, cycles, files, baseUrl: config.baseUrl });
  const creditImport = new CreditImportService({ db, clock, members });
  const attendance = new AttendanceService({ db, clock, checkin, members });
  const api = new ApiService({ db, clock, credits, members });
  const eligibility = new EligibilityService({ members, cycles, credits, billing });
  const applications = new ApplicationsService({ db, clock, mailer, members, cycles, billing, eligibility, credits, files, baseUrl: config.baseUrl });
  // A paid 専門医更新料 completes its renewal (更新完了).
  billing.onSettled((event) => applications.onInvoiceSettled(event));
  const certificates = new CertificatesService({ db, clock, members, cycles, applications, secret: config.sessionSecret, baseUrl: config.baseUrl, societyName: config.societyName.ja, compressPdf: config.env !== 'test' });
  const cycleAdmin = new CycleAdminService({ db, clock, cycles, submittedInCycle: (db, cycleId) => applications.submittedInCycle(db, cycleId) });
  const applicationList = new ApplicationListService({ db, clock, members });
  // The dashboard and the exports only read, and may be seconds behind: the same services built on the replica.
  const reportReads: ReportReads = deps.readDb ? createServices({ ...deps, db: deps.readDb, readDb: undefined }) : { cycles, members, applicationList, credits, billing, invoiceSearch, payments, overpayments };
  const reports = new ReportsService(reportReads);
  const reminders = new RemindersService({ db, clock, mailer, members, cycles, applications, billing, payments, credits, baseUrl: config.baseUrl });
  const auditTrail = new AuditTrailService({ db, members, staff });
  return { metrics, auditTrail, certificates, applicationList, reports, reportReads, reminders, members, auth, notices, staff, checkin, cycles, cycleAdmin, billing, overpayments, invoiceSearch, resultImport, receipts, payments, sandbox, credits, creditImport, attendance, mailer, sessions, api, applications };
}

/** Work that runs in the background: mail delivery and housekeeping. */
export async function registerJobs(deps: AppDeps, services: Services): Promise<void> {
  await deps.jobs.work<{ mailId: number }>(MAIL_JOB, (data) => services.mailer.deliver(data.mailId));
  await deps.jobs.work('sessions.purge', async () => {
    await services.sessions.purgeExpired();
    await purgeRateLimits(deps.db);
  });
  await deps.jobs.schedule('sessions.purge', '*/15 * * * *');
  // 年会費: one invoice per member when the fiscal year begins (idempotent, so a rerun is harmless).
  await deps.jobs.work('billing.annual-fees', async () => void (await services.billing.runAnnualFees()));
  await deps.jobs.schedule('billing.annual-fees', '5 0 1 4 *');
  // Renewed members take up their new certification period when it begins (1 April; daily, idempotent).
  await deps.jobs.work('applications.new-periods', async () => void (await services.applications.startNewPeriods()));
  await deps.jobs.schedule('applications.new-periods', '20 0 * * *');
  // An invoice became 入金済: the modules that asked (BillingService.onSettled) hear of it after commit.
  await deps.jobs.work<InvoiceSettled>(INVOICE_SETTLED_JOB, (event) => services.billing.dispatchSettled(event));
  // Asks the gateway about every live payment attempt, so a lost notification ends no hold wrongly.
  await deps.jobs.work('payments.reconcile', async () => void (await services.payments.reconcile()));
  await deps.jobs.schedule('payments.reconcile', '*/10 * * * *');
  // お知らせメール: every rule once a day with the clock's today; each reminder at most once per member and event.
  await deps.jobs.work(REMINDERS_JOB, async () => void (await services.reminders.runDaily()));
  await deps.jobs.schedule(REMINDERS_JOB, '0 8 * * *');
  // Does nothing: its jobs in pgboss.job show the scheduler creating one job per minute however many instances run.
  if (deps.config.jobsHeartbeat) {
    await deps.jobs.work(HEARTBEAT_JOB, async () => {});
    await deps.jobs.schedule(HEARTBEAT_JOB, '* * * * *');
  }
}

export async function createApp(deps: AppDeps, services = createServices(deps)): Promise<FastifyInstance> {
  const { config } = deps;
  const secure = config.isProduction;
  const app = Fastify({
    ...(deps.logger ? { loggerInstance: deps.logger } : { logger: loggerOptions(config) }),
    trustProxy: config.isProduction,
    bodyLimit: 1_048_576,
    genReqId: (req) => requestIdFor(req.headers['x-request-id'], config.isProduction),
    rewriteUrl: (req) => (decodablePath(req.url ?? '/') ? req.url ?? '/' : '/not-found'),
    routerOptions: { maxParamLength: 200 },
  });

  // Records every route (the route-table test) and each staff route's action, and refuses auditors' writes centrally;
  // installed first, so no route can be registered before it.
  installPolicy(app);

  // ── Security: headers, cookies, forms, CSRF, rate limits ───────────────────────────────────────
  await app.register(helmet, {
    contentSecurityPolicy: {
      useDefaults: false,
      directives: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'"],
        styleSrc: ["'self'"],
        imgSrc: ["'self'", 'data:'],
        fontSrc: ["'self'"],
        connectSrc: ["'self'"],
        formAction: ["'self'"],
        frameAncestors: ["'none'"],
        baseUri: ["'none'"],
        objectSrc: ["'none'"],
        ...(secure ? { upgradeInsecureRequests: [] } : {}),
      },
    },
    hsts: secure ? { maxAge: 31_536_000, includeSubDomains: true } : false,
    referrerPolicy: { policy: 'same-origin' },
  });
  await app.register(cookie, { secret: config.sessionSecret });
  await app.register(formbody, { bodyLimit: 262_144 });
  // Uploads (proof documents): parsed before the CSRF check, bounded in count and size.
  await app.register(multipart, {
    attachFieldsToBody: true,
    limits: { fileSize: MAX_UPLOAD_BYTES, files: 5, fields: 10, fieldSize: 100_000, parts: 20 },
  });
  await app.register(csrf, {
    cookieKey: cookieName('_csrf_secret', { secure, path: '/' }),
    cookieOpts: { path: '/', httpOnly: true, sameSite: 'lax', secure, signed: true },
    getToken: (req) => {
      const field = (req.body as Record<string, unknown> | undefined)?._csrf;
      // A urlencoded field is a string; a multipart field is { value }.
      return typeof field === 'string' ? field : (field as { value?: string } | undefined)?.value;
    },
  });
  // Counted in PostgreSQL, so N instances allow what one does (decisions/0024).
  await app.register(rateLimit, { global: false, store: postgresRateLimitStore(deps.db) });

  // ── Per request: its id through jobs and mail, its duration by route (/metrics) ───────────────
  installRequestContext(app);
  installMetrics(app, services.metrics, config);

  // ── Per request: language, flash message, sessions of both realms ──────────────────────────────
  const web = createWeb(config, {
    member: [
      { href: '/', label: 'nav.home' },
      { href: '/profile', label: 'nav.profile' },
      { href: '/credits', label: 'nav.credits' },
      { href: '/billing', label: 'nav.billing' },
    ],
    staff: [
      { href: '/staff/dashboard', label: 'reports.navDashboard' },
      { href: '/staff', label: 'nav.staffMembers' },
      { href: '/staff/credits', label: 'staff.creditsQueueTitle' },
      { href: '/staff/credits/import', label: 'nav.staffImport' },
      { href: '/staff/credits/checkin', label: 'nav.staffCheckin' },
      { href: '/staff/catalogue', label: 'catalogue.title' },
      { href: '/staff/billing', label: 'staffBilling.navSearch' },
      { href: '/staff/billing/slips', label: 'staff.slipsTitle' },
      { href: '/staff/billing/overpayments', label: 'staffBilling.navOverpayments' },
      { href: '/staff/billing/imports', label: 'nav.staffPaymentImport' },
      { href: '/staff/applications', label: 'applications.queueTitle' },
      { href: '/staff/certificates', label: 'certificates.title' },
      { href: '/staff/exports', label: 'reports.navExports' },
      { href: '/staff/notices', label: 'nav.staffNotices' },
      { href: '/staff/qr', label: 'nav.staffQr' },
      { href: '/staff/audit', label: 'nav.staffAudit' },
      { href: '/staff/accounts', label: 'nav.staffAccounts' },
      { href: '/staff/api-tokens', label: 'nav.staffApiTokens' },
      { href: '/staff/cycles', label: 'nav.staffCycles' },
      { href: '/staff/fees', label: 'nav.staffFees' },
    ],
  });

  const isStaffPath = (url: string) => url === '/staff' || url.startsWith('/staff/') || url.startsWith('/staff?');
  const expired = new WeakSet<FastifyRequest>();

  async function loadSession(req: FastifyRequest, realm: Realm) {
    const token = req.cookies[sessionCookieName(realm, secure)];
    if (!token) return;
    const result = await services.sessions.load(realm, token);
    if (!result) return;
    if ('expired' in result) {
      expired.add(req);
      return;
    }
    const { session } = result;
    const name = typeof session.data.name === 'string' ? session.data.name : '';
    if (realm === 'member') {
      req.memberSession = session;
      req.member = { id: session.subjectId, displayName: name };
    } else {
      req.staffSession = session;
      if (session.stage === 'active') {
        // An unknown role reads as the least one: read-only.
        const role = isStaffRole(session.data.role) ? session.data.role : 'auditor';
        req.staff = { id: session.subjectId, displayName: name, role };
      }
    }
  }

  app.addHook('onRequest', async (req) => {
    req.locale = web.resolveLocale(req);
    req.t = translator(req.locale);
    // A NUL byte is never part of a search or an id, and PostgreSQL refuses it in text: a 400 page, not a 500.
    if (/%00/i.test(req.url)) throw new AppError('bad_request', 'NUL in the URL');
    const flash = req.cookies[webCookies(secure).flash];
    if (flash) {
      const unsigned = req.unsignCookie(flash);
      if (unsigned.valid && unsigned.value) req.flashKey = unsigned.value as MessageKey;
    }
    if (req.url.startsWith('/assets/') || req.url === '/healthz' || req.url === '/readyz') return;
    await loadSession(req, isStaffPath(req.url) ? 'staff' : 'member');
  });

  // Every state-changing request carries the form's CSRF token; a missing or wrong one is a 403 page.
  app.addHook('preValidation', (req, reply, done) => {
    if (req.method === 'GET' || req.method === 'HEAD' || req.method === 'OPTIONS') return done();
    // The public API authenticates with a bearer token, never a cookie: a forged form has nothing to ride on.
    if (req.url.startsWith('/api/')) return done();
    // Payment gateways' notifications carry an HMAC signature over the body, never a cookie.
    if (req.url.startsWith('/payments/notify/')) return done();
    app.csrfProtection(req, reply, done);
  });

  const requireMember: preHandlerHookHandler = async (req, reply) => {
    if (req.member) return;
    if (req.cookies[sessionCookieName('member', secure)]) clearSessionCookie(reply, 'member', secure);
    if (expired.has(req)) return reply.redirect('/login?expired=1', 303);
    return reply.redirect(`/login?next=${encodeURIComponent(safeLocalPath(req.url))}`, 303);
  };
  const requireStaff: preHandlerHookHandler = async (req, reply) => {
    if (req.staff) return;
    if (req.staffSession) return reply.redirect(req.staffSession.stage === 'enrol' ? '/staff/enrol' : '/staff/login/verify', 303);
    if (req.cookies[sessionCookieName('staff', secure)]) clearSessionCookie(reply, 'staff', secure);
    return reply.redirect(`/staff/login${expired.has(req) ? '?expired=1' : ''}`, 303);
  };
  // Kept for routes not yet naming their action; the policy table (platform/policy.ts) decides the rest.
  const requireAdmin: preHandlerHookHandler = async (req, reply) => {
    if (!req.staff) return requireStaff.call(app, req, reply, () => {});
    if (req.staff.role !== 'admin') throw new AppError('forbidden');
  };

  // ── Platform routes ────────────────────────────────────────────────────────────────────────────
  app.get('/assets/tokens.css', async (_req, reply) =>
    reply.header('content-type', 'text/css; charset=utf-8').header('cache-control', 'public, max-age=86400').send(tokensCss));
  await app.register(fastifyStatic, { root: path.resolve('public'), prefix: '/assets/', decorateReply: false, maxAge: 3_600_000 });

  app.get('/healthz', async () => ({ status: 'ok' }));
  app.get('/readyz', async (_req, reply) => {
    const ok = await (deps.ready ?? (async () => true))().catch(() => false);
    return reply.status(ok ? 200 : 503).send({ status: ok ? 'ready' : 'unavailable' });
  });

  app.get<{ Params: { locale: string }; Querystring: { next?: string } }>('/lang/:locale', async (req, reply) => {
    if (!isLocale(req.params.locale)) throw new AppError('not_found');
    reply.setCookie(webCookies(secure).lang, req.params.locale, { path: '/', sameSite: 'lax', secure, maxAge: 31_536_000, httpOnly: true });
    return reply.redirect(safeLocalPath(req.query.next), 303);
  });

  // ── Modules ─────────────────────────────────────────────────────────────────────────────────────
  memberAuthRoutes(app, { web, auth: services.auth, secureCookies: secure, rateLimit: config.authRateLimit });
  homeRoutes(app, { web, members: services.members, notices: services.notices, clock: deps.clock, requireMember,
    tasks: async (ctx, memberId) => {
      const [status, certificates] = await Promise.all([services.applications.renewalStatus(memberId), services.certificates.forMember(memberId)]);
      if (!status && certificates.length === 0) return undefined;
      return <>{certificates.length > 0 && <MemberCertificates ctx={ctx} certificates={certificates} />}{status && <TaskList ctx={ctx} status={status} />}</>;
    }, links: [
    { href: 'https://www.j-circ.or.jp/', label: 'home.elearning' },
    { href: 'https://www.j-circ.or.jp/annual/', label: 'home.annualMeetings' },
    { href: 'https://www.j-circ.or.jp/specialist/', label: 'home.creditTable' },
  ] });
  memberProfileRoutes(app, { web, members: services.members, requireMember, related: async (ctx, memberId) => {
    const [{ latest, room }, invoices, applications, reminders] = await Promise.all([
      services.credits.relatedSummary(memberId), services.billing.listForMember(memberId), services.applications.listForMember(memberId), services.reminders.preferences(memberId)]);
    return <><ApplicationsRelated ctx={ctx} views={applications} /><CreditsRelated ctx={ctx} latest={latest} room={room} /><InvoicesRelated ctx={ctx} views={invoices} />
      <ReminderSettings ctx={ctx} prefs={reminders} /></>;
  } });
  reminderRoutes(app, { web, reminders: services.reminders, requireMember, societyName: config.societyName });
  creditRoutes(app, { web, credits: services.credits, requireMember });
  applicationRoutes(app, { web, applications: services.applications, billing: services.billing, members: services.members, requireMember, requireStaff });
  billingRoutes(app, { web, billing: services.billing, members: services.members, requireMember, requireStaff,
    paymentSlots: async (ctx, view) => paymentSections(ctx, view, await services.payments.stateFor(view)),
    staffPayments: async (ctx, invoiceId) => <StaffAttempts ctx={ctx} rows={await services.payments.attemptsForInvoice(invoiceId)} /> });
  staffBillingRoutes(app, { web, billing: services.billing, search: services.invoiceSearch, overpayments: services.overpayments, members: services.members, requireStaff });
  paymentRoutes(app, { web, billing: services.billing, payments: services.payments, requireMember, seller: config.receipt.issuerName, address: config.receipt.issuerAddress });
  if (!config.isProduction && services.sandbox) sandboxGatewayRoutes(app, { web, sandbox: services.sandbox });
  slipRoutes(app, { web, billing: services.billing, members: services.members, requireMember, requireStaff });
  resultImportRoutes(app, { web, imports: services.resultImport, requireStaff });
  receiptRoutes(app, { web, receipts: services.receipts, requireMember, requireStaff });
  creditStaffRoutes(app, { web, credits: services.credits, members: services.members, requireStaff });
  creditImportRoutes(app, { web, imports: services.creditImport, requireStaff });
  attendanceRoutes(app, { web, attendance: services.attendance, requireStaff });
  catalogueStaffRoutes(app, { web, credits: services.credits, requireStaff });
  certificateRoutes(app, { web, certificates: services.certificates, requireMember, requireStaff });
  checkinRoutes(app, { web, checkin: services.checkin, members: services.members, requireMember });
  staffRoutes(app, { web, staff: services.staff, members: services.members, auth: services.auth, checkin: services.checkin, mailer: services.mailer, requireStaff, secureCookies: secure, rateLimit: config.authRateLimit,
    memberSections: async (ctx, memberId) => {
      const [{ transcript }, invoices, attempts, overpaid, applications, status, creditFiles, applicationFiles] = await Promise.all([services.credits.transcript(memberId), services.billing.listForMember(memberId),
        services.payments.attemptsForMember(memberId), services.overpayments.forMember(memberId), services.applications.listForMember(memberId),
        services.applications.renewalStatus(memberId), services.credits.filesForMember(memberId), services.applications.filesForMember(memberId)]);
      const files = [
        ...creditFiles.map((f) => ({ key: `c${f.id}`, name: f.name, contentType: f.contentType, sizeBytes: f.sizeBytes, uploadedAt: f.uploadedAt, href: `/staff/credits/files/${f.id}`, context: f.controlNo })),
        ...applicationFiles.map((f) => ({ key: `a${f.id}`, name: f.name, contentType: f.contentType, sizeBytes: f.sizeBytes, uploadedAt: f.uploadedAt, href: `/staff/applications/${f.applicationId}/files/${f.id}`,
          context: f.applicationNo, note: ctx.t(f.kind === 'paper_form' ? 'm360.kindPaperForm' : f.rejected ? 'm360.kindReturned' : 'm360.kindCertificate') })),
      ];
      return <><StaffApplicationsSection ctx={ctx} views={applications} /><StaffEligibilitySection ctx={ctx} status={status} /><StaffLedger ctx={ctx} transcript={transcript} />
        <InvoicesRelated ctx={ctx} views={invoices} staff /><StaffMemberAttempts ctx={ctx} rows={attempts} /><OverpaymentsRelated ctx={ctx} rows={overpaid} /><MemberFilesSection ctx={ctx} rows={files} /></>;
    } });
  cycleRoutes(app, { web, admin: services.cycleAdmin, requireAdmin, feeTypes: () => services.billing.feeTypes() });
  feeRoutes(app, { web, billing: services.billing, requireAdmin });
  noticeStaffRoutes(app, { web, notices: services.notices, requireStaff });
  applicationListRoutes(app, { web, cycles: services.cycles, list: services.applicationList, requireStaff });
  paymentListRoutes(app, { web, payments: services.payments, members: services.members, requireStaff });
  reportRoutes(app, { web, clock: deps.clock, reports: services.reports, ...services.reportReads, requireStaff });
  auditRoutes(app, { web, audit: services.auditTrail, requireStaff });
  apiRoutes(app, { web, api: services.api, requireAdmin, baseUrl: config.baseUrl });
  if (!config.isProduction) devMailRoutes(app, { web, mailer: services.mailer });

  // ── Errors: one vocabulary, one page, both languages, never a stack trace ───────────────────────
  const renderError = (req: FastifyRequest, reply: FastifyReply, status: number, message?: string) => {
    if (!req.t) {
      req.locale = 'ja';
      req.t = translator('ja');
    }
    return web.render(reply, <ErrorPage ctx={web.context(req, reply)} status={status} message={message} />, status);
  };

  app.setNotFoundHandler((req, reply) => renderError(req, reply, 404));
  app.setErrorHandler((err: FastifyError | AppError, req, reply) => {
    let status = err instanceof AppError ? err.status : (err.statusCode ?? 500);
    if (isDatabaseDown(err)) status = 503;
    if (status >= 500 && status !== 503) req.log.error({ err }, 'request failed');
    else req.log.info({ code: (err as FastifyError).code ?? (err as AppError).code, status }, 'request refused');
    let message: string | undefined;
    if (err instanceof RuleViolation && req.t) message = req.t(err.key, err.params);
    if ((err as FastifyError).code === 'FST_REQ_FILE_TOO_LARGE' && req.t) message = req.t('credits.fileTooLarge', { mb: MAX_UPLOAD_BYTES / 1024 / 1024 });
    if (status === 413) status = 400;
    if (![400, 403, 404, 409, 429, 503].includes(status)) status = status >= 500 ? 500 : 400;
    return renderError(req, reply, status, message);
  });

  return app;
}
