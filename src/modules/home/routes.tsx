import type { FastifyInstance, preHandlerHookHandler } from 'fastify';
import type { VNode } from 'preact';
import type { PageContext } from '../../platform/views/context';
import type { Clock } from '../../platform/clock';
import { dateOnly, fiscalYearOf, tokyoDate } from '../../platform/japanese';
import type { Web } from '../../platform/web';
import { fullName, type MembersService } from '../members/service';
import type { NoticesService } from '../notices/service';
import { FaqContent } from './content/faq';
import { GuideContent } from './content/guide';
import { ContentPage, type ExternalLink, HomePage } from './views';

export function homeRoutes(app: FastifyInstance, deps: {
  web: Web; members: MembersService; notices: NoticesService; clock: Clock; links: ExternalLink[]; requireMember: preHandlerHookHandler;
  /** The renewal task list of a member due for renewal (passed in by app.tsx), shown first. */
  tasks?: (ctx: PageContext, memberId: number) => Promise<VNode | undefined>;
}) {
  const { web, members, notices, clock, links, requireMember } = deps;

  app.get('/', { preHandler: requireMember }, async (req, reply) => {
    const ctx = web.context(req, reply);
    const [member, published, tasks] = await Promise.all([members.getById(req.member!.id), notices.published(), deps.tasks?.(ctx, req.member!.id)]);
    const renewalYear = members.renewalYear(member);
    const model = {
      tasks,
      name: fullName(member),
      renewal: renewalYear !== null && member.cert_period_end ? { fiscalYear: renewalYear, periodEnd: dateOnly(member.cert_period_end) } : undefined,
      // Not due this year: the current period and the fiscal year whose cycle renews it (periods end 31 March).
      outlook: renewalYear === null && member.cert_period_start && member.cert_period_end
        ? { periodStart: dateOnly(member.cert_period_start), periodEnd: dateOnly(member.cert_period_end), renewalYear: fiscalYearOf(dateOnly(member.cert_period_end)), ended: member.cert_period_end < tokyoDate(clock.now()) }
        : undefined,
      notices: published,
      links,
    };
    return web.render(reply, <HomePage ctx={ctx} model={model} />);
  });

  // The guide and the FAQ are public: a member who cannot log in needs them most.
  app.get('/guide', async (req, reply) => {
    const ctx = web.context(req, reply);
    return web.render(reply, <ContentPage ctx={ctx} title={ctx.t('guide.title')}><GuideContent locale={ctx.locale} fiscalYear={fiscalYearOf(clock.now())} /></ContentPage>);
  });

  app.get('/faq', async (req, reply) => {
    const ctx = web.context(req, reply);
    return web.render(reply, <ContentPage ctx={ctx} title={ctx.t('faq.title')}><FaqContent locale={ctx.locale} /></ContentPage>);
  });
}
