import type { Application, ApplicationEvent, ApplicationFile, ApplicationStatus, ApplicationType, RenewalCycle } from '../../platform/db/schema';
import type { MessageKey } from '../../platform/i18n';
import { formatYen, tokyoDate, warekiFiscalYear } from '../../platform/japanese';
import type { FormErrors, FormValues, PageContext } from '../../platform/views/context';
import { Csrf, Field, labelsFor, Select } from '../../platform/views/forms';
import { Layout } from '../../platform/views/layout';
import { formatDate } from '../members/views';
import type { Eligibility } from './eligibility-rules';
import { BASE_QUALIFICATIONS, WITHDRAWAL_REASONS } from './schemas';
import type { ApplicationView } from './service';
import { renewalTasks, type RenewalStatus, type Task } from './tasks';

export function StatusBadge({ ctx, status }: { ctx: PageContext; status: ApplicationStatus }) {
  return <span class={`badge badge--application-${status}`}>{ctx.t(`applications.status.${status}`)}</span>;
}

/** 2021年度（令和3年度） */
const fiscalYearText = (ctx: PageContext, year: number) => ctx.t('applications.yearValue', { year, wareki: warekiFiscalYear(year) });

/** 専門医資格申請情報, the related list of 会員情報照会: every record, newest first, and 「新規」. */
export function ApplicationsRelated({ ctx, views }: { ctx: PageContext; views: ApplicationView[] }) {
  const t = ctx.t;
  return (
    <section class="card" aria-labelledby="related-applications-h">
      <h3 id="related-applications-h">{t('applications.related')}</h3>
      <p class="actions"><a class="button button--secondary" href="/applications/new">{t('common.create')}</a></p>
      {views.length === 0 ? <p>{t('applications.none')}</p> : (
        <div class="table-wrap">
          <table class="table">
            <caption class="visually-hidden">{t('applications.related')}</caption>
            <thead>
              <tr>
                <th scope="col">{t('applications.col.no')}</th><th scope="col">{t('applications.col.type')}</th>
                <th scope="col">{t('applications.col.status')}</th><th scope="col">{t('applications.col.created')}</th>
              </tr>
            </thead>
            <tbody>
              {views.map(({ application: a }) => (
                <tr key={a.id}>
                  <td><a href={`/applications/${a.application_no}`}>{a.application_no}</a></td>
                  <td>{t(`applications.type.${a.type}`)}</td>
                  <td><StatusBadge ctx={ctx} status={a.status} /></td>
                  <td>{formatDate(ctx, tokyoDate(a.created_at))}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}

function Radios({ ctx, name, legend, hint, options, errors, values }: {
  ctx: PageContext; name: string; legend: MessageKey; hint?: string; options: { value: string; label: string; hint?: string }[]; errors?: FormErrors; values?: FormValues;
}) {
  const error = errors?.[name];
  const describedBy = [hint ? `${name}-hint` : '', error ? `${name}-error` : ''].filter(Boolean).join(' ') || undefined;
  return (
    <fieldset class={`field${error ? ' field--error' : ''}`} aria-describedby={describedBy} id={name}>
      <legend class="field__label">{ctx.t(legend)}<span class="field__required">{ctx.t('common.required')}</span></legend>
      {hint && <p id={`${name}-hint`} class="field__hint">{hint}</p>}
      {error && <p id={`${name}-error`} class="field__error"><span class="visually-hidden">{ctx.t('common.errorPrefix')}: </span>{ctx.t(error)}</p>}
      {options.map((o) => (
        <div key={o.value}>
          <label class="choice"><input type="radio" name={name} value={o.value} checked={values?.[name] === o.value} aria-invalid={error ? 'true' : undefined} /> {o.label}</label>
          {o.hint && <p class="field__hint">{o.hint}</p>}
        </div>
      ))}
    </fieldset>
  );
}

/** 「新規」: choose 申請区分, then 「次へ」. */
export function TypePage({ ctx, errors, values }: { ctx: PageContext; errors?: FormErrors; values?: FormValues }) {
  const t = ctx.t;
  const types: ApplicationType[] = ['initial', 'renewal', 'withdrawal'];
  return (
    <Layout ctx={ctx} title={t('applications.newTitle')} errors={errors} fieldLabels={labelsFor(ctx, { type: 'applications.col.type' })}>
      <p><a href="/profile/detail">{t('profile.title')}</a></p>
      <h1>{t('applications.newTitle')}</h1>
      <form method="post" action="/applications/new" novalidate>
        <Csrf ctx={ctx} />
        <Radios ctx={ctx} name="type" legend="applications.col.type" hint={t('applications.typeHint')} errors={errors} values={values}
          options={types.map((type) => ({ value: type, label: t(`applications.type.${type}`), hint: t(`applications.typeHint.${type}`) }))} />
        <div class="actions">
          <button type="submit" class="button">{t('applications.next')}</button>
          <a href="/profile/detail" class="button button--quiet">{t('common.cancel')}</a>
        </div>
      </form>
    </Layout>
  );
}

const renewalLabels = {
  baseQualification: 'applications.baseQualification', baseQualificationNumber: 'applications.baseQualificationNumber',
  baseQualificationYear: 'applications.baseQualificationYear', basePeriodStart: 'applications.basePeriodStart', basePeriodEnd: 'applications.basePeriodEnd',
  abroad: 'applications.abroadLegend', abroadDepartedOn: 'applications.abroadDepartedOn', abroadStatus: 'applications.abroadStatusLegend',
  abroadReturnedOn: 'applications.abroadReturnedOn', licenceDate: 'applications.licenceDate', aclsValidUntil: 'applications.aclsValidUntil',
  withdrawalReason: 'applications.reasonLegend', withdrawalReasonOther: 'applications.reasonOther', receivedOn: 'm360.receivedOn',
} as const;

function FormActions({ ctx, cancel }: { ctx: PageContext; cancel: string }) {
  return (
    <div class="actions">
      <button type="submit" class="button">{ctx.t('common.save')}</button>
      <a href={cancel} class="button button--quiet">{ctx.t('common.cancel')}</a>
    </div>
  );
}

function BaseQualificationFields({ ctx, errors, values }: { ctx: PageContext; errors?: FormErrors; values: FormValues }) {
  return (
    <>
      <Select ctx={ctx} name="baseQualification" label="applications.baseQualification" hint="applications.baseQualificationHint" required errors={errors} values={values}
        placeholder="applications.selectQualification" options={BASE_QUALIFICATIONS.map((q) => ({ value: q, label: ctx.t(`applications.qual.${q}`) }))} />
      <Field ctx={ctx} name="baseQualificationNumber" label="applications.baseQualificationNumber" hint="applications.numberHint" required errors={errors} values={values}
        inputMode="numeric" width="s" maxLength={20} autocomplete="off" />
    </>
  );
}

/** 更新申請 (STEP①): base qualification, number, year, current period, and 留学. Never ACLS or the licence date. */
export function RenewalFormPage({ ctx, action, title, cycle, errors, values, cancel, paper }: {
  ctx: PageContext; action: string; title: string; cycle: RenewalCycle; errors?: FormErrors; values: FormValues; cancel: string;
  /** 事務局入力（郵送）: the member the secretariat types the paper form for; adds 受付日. */
  paper?: { memberLink: { href: string; label: string } };
}) {
  const t = ctx.t;
  const abroad = values.abroad ?? 'no';
  const v = { ...values, abroad };
  return (
    <Layout ctx={ctx} title={title} errors={errors} fieldLabels={labelsFor(ctx, renewalLabels)}>
      <p>{paper ? <a href={paper.memberLink.href}>{paper.memberLink.label}</a> : <a href="/profile/detail">{t('profile.title')}</a>}</p>
      <h1>{title}</h1>
      <p>{t('applications.renewalLead', { cycle: ctx.locale === 'en' ? cycle.name_en : cycle.name_ja })}</p>
      <p>{t(paper ? 'm360.paperLead' : 'applications.formLead')}</p>
      <form method="post" action={action} novalidate>
        <Csrf ctx={ctx} />
        {paper && <Field ctx={ctx} name="receivedOn" label="m360.receivedOn" hint="m360.receivedOnHint" type="date" required errors={errors} values={v} />}
        <BaseQualificationFields ctx={ctx} errors={errors} values={v} />
        <Field ctx={ctx} name="baseQualificationYear" label="applications.baseQualificationYear" hint="applications.yearHint" required errors={errors} values={v}
          inputMode="numeric" width="s" maxLength={10} autocomplete="off" />
        <Field ctx={ctx} name="basePeriodStart" label="applications.basePeriodStart" hint="applications.periodHint" type="date" required errors={errors} values={v} />
        <Field ctx={ctx} name="basePeriodEnd" label="applications.basePeriodEnd" hint="applications.periodEndHint" type="date" required errors={errors} values={v} />
        <Radios ctx={ctx} name="abroad" legend="applications.abroadLegend" errors={errors} values={v}
          hint={t('applications.abroadHint', { start: formatDate(ctx, cycle.new_period_start) })}
          options={[{ value: 'no', label: t('applications.abroad.no') }, { value: 'yes', label: t('applications.abroad.yes') }]} />
        <div class="card">
          <p>{t('applications.abroadOnlyIfYes')}</p>
          <Field ctx={ctx} name="abroadDepartedOn" label="applications.abroadDepartedOn" type="date" errors={errors} values={v} />
          <Radios ctx={ctx} name="abroadStatus" legend="applications.abroadStatusLegend" errors={errors} values={v}
            options={[{ value: 'returned', label: t('applications.abroadStatus.returned') }, { value: 'ongoing', label: t('applications.abroadStatus.ongoing') }]} />
          <Field ctx={ctx} name="abroadReturnedOn" label="applications.abroadReturnedOn" type="date" errors={errors} values={v} />
          <p class="field__hint">{t('applications.abroadCertificateNote')}</p>
        </div>
        <FormActions ctx={ctx} cancel={cancel} />
      </form>
    </Layout>
  );
}

/** 新規申請: the initial certification's own short form (with the licence date and ACLS). */
export function InitialFormPage({ ctx, action, title, errors, values, cancel }: { ctx: PageContext; action: string; title: string; errors?: FormErrors; values: FormValues; cancel: string }) {
  const t = ctx.t;
  return (
    <Layout ctx={ctx} title={title} errors={errors} fieldLabels={labelsFor(ctx, renewalLabels)}>
      <p><a href="/profile/detail">{t('profile.title')}</a></p>
      <h1>{title}</h1>
      <p>{t('applications.initialLead')}</p>
      <form method="post" action={action} novalidate>
        <Csrf ctx={ctx} />
        <BaseQualificationFields ctx={ctx} errors={errors} values={values} />
        <Field ctx={ctx} name="licenceDate" label="applications.licenceDate" type="date" required errors={errors} values={values} />
        <Field ctx={ctx} name="aclsValidUntil" label="applications.aclsValidUntil" type="date" required errors={errors} values={values} />
        <FormActions ctx={ctx} cancel={cancel} />
      </form>
    </Layout>
  );
}

/** 辞退申請: 辞退理由 from the list, or その他 with its text. */
export function WithdrawalFormPage({ ctx, action, title, errors, values, cancel }: { ctx: PageContext; action: string; title: string; errors?: FormErrors; values: FormValues; cancel: string }) {
  const t = ctx.t;
  return (
    <Layout ctx={ctx} title={title} errors={errors} fieldLabels={labelsFor(ctx, renewalLabels)}>
      <p><a href="/profile/detail">{t('profile.title')}</a></p>
      <h1>{title}</h1>
      <p>{t('applications.withdrawalLead')}</p>
      <form method="post" action={action} novalidate>
        <Csrf ctx={ctx} />
        <Radios ctx={ctx} name="withdrawalReason" legend="applications.reasonLegend" errors={errors} values={values}
          options={WITHDRAWAL_REASONS.map((r) => ({ value: r, label: t(`applications.reason.${r}`) }))} />
        <Field ctx={ctx} name="withdrawalReasonOther" label="applications.reasonOther" hint="applications.reasonOtherHint" multiline errors={errors} values={values} maxLength={500} />
        <FormActions ctx={ctx} cancel={cancel} />
      </form>
    </Layout>
  );
}

function Row({ label, children }: { label: string; children: preact.ComponentChildren }) {
  return <div class="summary__row"><dt>{label}</dt><dd>{children}</dd></div>;
}

/** 証明書類未提出 until the 在籍証明書 is uploaded, then 確認待ち until the secretariat has checked it. */
function CertificateBadge({ ctx, application: a }: { ctx: PageContext; application: Application & { certificateCount?: number } }) {
  const state = a.abroad_verified_at ? 'verified' : (a.certificateCount ?? 0) > 0 ? 'uploaded' : 'missing';
  return <span class={`badge badge--certificate-${state}`}>{ctx.t(`applications.certificate.${state}`)}</span>;
}

function Details({ ctx, view }: { ctx: PageContext; view: ApplicationView & { files?: ApplicationFile[] } }) {
  const t = ctx.t;
  const { cycle } = view;
  const a = { ...view.application, certificateCount: view.files?.length ?? 0 };
  return (
    <dl class="summary">
      <Row label={t('applications.col.no')}>{a.application_no}</Row>
      <Row label={t('applications.col.type')}>{t(`applications.type.${a.type}`)}</Row>
      <Row label={t('applications.col.status')}><StatusBadge ctx={ctx} status={a.status} /></Row>
      {a.channel === 'paper' && <Row label={t('m360.channel')}>{t('m360.channelPaper')}{a.received_on && ` ${t('m360.receivedOnValue', { date: formatDate(ctx, a.received_on) })}`}</Row>}
      {cycle && <Row label={t('applications.cycle')}>{ctx.locale === 'en' ? cycle.name_en : cycle.name_ja}</Row>}
      {a.base_qualification && <Row label={t('applications.baseQualification')}>{t(`applications.qual.${a.base_qualification as 'geka'}`)}</Row>}
      {a.base_qualification_number && <Row label={t('applications.baseQualificationNumber')}>{a.base_qualification_number}</Row>}
      {a.base_qualification_year !== null && <Row label={t('applications.baseQualificationYear')}>{fiscalYearText(ctx, a.base_qualification_year)}</Row>}
      {a.base_period_start && a.base_period_end && (
        <Row label={t('applications.basePeriod')}>{t('profile.certPeriodValue', { start: formatDate(ctx, a.base_period_start), end: formatDate(ctx, a.base_period_end) })}</Row>
      )}
      {a.type === 'renewal' && (
        <Row label={t('applications.abroadLegend')}>
          {!a.abroad ? t('applications.abroad.no') : (
            <>
              {t('applications.abroadSummary', {
                from: formatDate(ctx, a.abroad_departed_on), to: a.abroad_ongoing ? t('applications.abroadStatus.ongoing') : formatDate(ctx, a.abroad_returned_on),
              })}{' '}
              <CertificateBadge ctx={ctx} application={a} />
            </>
          )}
        </Row>
      )}
      {a.licence_date && <Row label={t('applications.licenceDate')}>{formatDate(ctx, a.licence_date)}</Row>}
      {a.acls_valid_until && <Row label={t('applications.aclsValidUntil')}>{formatDate(ctx, a.acls_valid_until)}</Row>}
      {a.withdrawal_reason && (
        <Row label={t('applications.reasonLegend')}>
          {t(`applications.reason.${a.withdrawal_reason as 'other'}`)}{a.withdrawal_reason_other && <span class="break">{`（${a.withdrawal_reason_other}）`}</span>}
        </Row>
      )}
      {a.granted_period_start && a.granted_period_end && (
        <Row label={t('applications.newPeriod')}>{t('profile.certPeriodValue', { start: formatDate(ctx, a.granted_period_start), end: formatDate(ctx, a.granted_period_end) })}</Row>
      )}
    </dl>
  );
}

const STEP_TITLES = {
  1: 'applications.step1', 2: 'applications.step2', 3: 'applications.step3', 4: 'applications.step4', 5: 'applications.step5', 6: 'applications.step6',
} as const;

function taskDetail(ctx: PageContext, task: Task): string[] {
  const t = ctx.t;
  const yen = formatYen;
  switch (task.step) {
    case 1: return [task.applicationNo ? t('applications.task1.done', { no: task.applicationNo }) : t('applications.task1.none')];
    case 2: return task.unpaid.length === 0 ? [t('applications.task2.done', { year: task.upTo })] : [
      t('applications.task2.unpaid', { years: task.unpaid.map((u) => t('applications.yearAmount', { year: u.fiscalYear, amount: yen(u.amount) })).join('、'), total: yen(task.total) }),
    ];
    case 3: {
      if (task.waived) return [t('applications.task3.waived')];
      if (task.state === 'done') return [t('applications.task3.done', { counted: task.counted, required: task.required })];
      const lines = task.missing > 0 ? [t('applications.task3.missing', { missing: task.missing, counted: task.counted, required: task.required })] : [];
      for (const c of task.categoriesShort) lines.push(t('applications.categoryShort', { category: c.code, missing: c.missing }));
      if (task.pendingCount > 0) lines.push(t('applications.task3.pending', { count: task.pendingCount, credits: task.pendingCredits }));
      return lines;
    }
    case 4: return [t(`applications.task4.${task.state}`, { no: task.applicationNo ?? '' })];
    case 5: {
      if (task.state !== 'action' || !task.invoice) return [t(`applications.task5.${task.state === 'done' ? 'done' : 'not_started'}`)];
      const i = task.invoice;
      return [t(i.status === 'processing' ? 'applications.task5.processing' : 'applications.task5.action', { controlNo: i.controlNo, amount: yen(i.amount), due: formatDate(ctx, i.dueOn) })];
    }
    case 6: return [task.state === 'done'
      ? t('applications.task6.done', { start: formatDate(ctx, task.periodStart ?? null), end: formatDate(ctx, task.periodEnd ?? null) })
      : t(task.paidPending ? 'applications.task6.paid' : 'applications.task6.not_started')];
  }
}

/** STEP① … STEP⑥ with 未着手 / 下書き / 要対応 / 完了, the exact shortfall and a link straight to the action. */
export function TaskList({ ctx, status, headingLevel = 2 }: { ctx: PageContext; status: RenewalStatus; headingLevel?: 2 | 3 }) {
  const t = ctx.t;
  const H = headingLevel === 2 ? 'h2' : 'h3';
  const cycleName = ctx.locale === 'en' ? status.cycle.name_en : status.cycle.name_ja;
  if (status.withdrawal) {
    return (
      <section class="card" aria-labelledby="tasks-h">
        <H id="tasks-h">{t('applications.tasksTitle', { cycle: cycleName })}</H>
        <p>{t('applications.tasksWithdrawn', { no: status.withdrawal.application_no })}</p>
      </section>
    );
  }
  const tasks = renewalTasks(status);
  return (
    <section class="card" aria-labelledby="tasks-h">
      <H id="tasks-h">{t('applications.tasksTitle', { cycle: cycleName })}</H>
      <p>{t('applications.tasksLead', { end: formatDate(ctx, status.cycle.period_end), close: formatDate(ctx, status.cycle.window_closes_on) })}</p>
      <ol class="tasks">
        {tasks.map((task) => (
          <li key={task.step} class={`tasks__item tasks__item--${task.state}`}>
            <span class={`badge badge--task-${task.state}`}>{t(`applications.taskState.${task.state}`)}</span>{' '}
            {task.state === 'not_started' && task.step >= 5
              ? <strong>{t(STEP_TITLES[task.step])}</strong>
              : <a href={task.href}><strong>{t(STEP_TITLES[task.step])}</strong></a>}
            {taskDetail(ctx, task).map((line, i) => <p key={i} class="tasks__detail">{line}</p>)}
          </li>
        ))}
      </ol>
      <p><a href="/guide">{t('home.guideLink')}</a> ・ <a href="/faq">{t('home.faqLink')}</a></p>
    </section>
  );
}

function History({ ctx, events }: { ctx: PageContext; events: ApplicationEvent[] }) {
  return (
    <ul class="related-list">
      {events.map((e) => (
        <li key={e.id}>
          {formatDate(ctx, tokyoDate(e.occurred_at))} <StatusBadge ctx={ctx} status={e.to_status} />
          {e.detail && ` ${e.detail}`}
        </li>
      ))}
    </ul>
  );
}

/** One record, opened by its 申請番号: the fields, where the member stands, and the action its state allows. */
/** 在籍証明書 (copy): the files, and the upload form until the secretariat has verified it. */
function CertificateSection({ ctx, application: a, files, action, uploadError }: { ctx: PageContext; application: Application; files: ApplicationFile[]; action?: string; uploadError?: string }) {
  const t = ctx.t;
  return (
    <section class="card" aria-labelledby="certificate-h">
      <h2 id="certificate-h">{t('applications.certificateTitle')}</h2>
      <p><CertificateBadge ctx={ctx} application={{ ...a, certificateCount: files.length }} /></p>
      {files.length > 0 && (
        <ul class="related-list">
          {files.map((f) => <li key={f.id}><a href={`${action ? action.replace(/\/files$/, '') : ''}/files/${f.id}`}>{f.original_name}</a> ({Math.ceil(f.size_bytes / 1024)} KB)</li>)}
        </ul>
      )}
      {action && !a.abroad_verified_at && a.status !== 'cancelled' && (
        <form method="post" action={action} enctype="multipart/form-data" novalidate>
          <Csrf ctx={ctx} />
          <div class={`field${uploadError ? ' field--error' : ''}`}>
            <label for="file" class="field__label">{t('applications.certificateFile')}</label>
            <p id="file-hint" class="field__hint">{t('applications.certificateHint')}</p>
            {uploadError && <p id="file-error" class="field__error" role="alert">{uploadError}</p>}
            <input id="file" name="file" type="file" accept="application/pdf,image/jpeg,image/png" class="input"
              aria-describedby={uploadError ? 'file-hint file-error' : 'file-hint'} />
          </div>
          <button type="submit" class="button button--secondary">{t('credits.upload')}</button>
        </form>
      )}
    </section>
  );
}

export function ApplicationPage({ ctx, view, events, status, message, uploadError }: {
  ctx: PageContext; view: ApplicationView & { files: ApplicationFile[] }; events: ApplicationEvent[]; status?: RenewalStatus; message?: string; uploadError?: string;
}) {
  const t = ctx.t;
  const a = view.application;
  const draft = a.status === 'draft' && !view.readOnly;
  const no = a.application_no;
  return (
    <Layout ctx={ctx} title={`${t('applications.detailTitle')} ${no}`}>
      <p><a href="/profile/detail">{t('profile.title')}</a></p>
      <h1>{`${t('applications.detailTitle')} ${no}`}</h1>
      {message && <div class="notice notice--error" role="alert"><p>{message}</p></div>}
      {view.readOnly && <p class="notice">{t('applications.readOnlyNote')}</p>}
      {draft && <p class="notice">{t(a.type === 'withdrawal' ? 'applications.withdrawalDraftNote' : 'applications.draftNote')}</p>}
      <section class="card" aria-labelledby="app-h">
        <h2 id="app-h">{t('applications.detailsHeading')}</h2>
        <Details ctx={ctx} view={view} />
        {draft && (
          <div class="actions">
            <a class="button button--secondary" href={`/applications/${no}/edit`}>{t('common.edit')}</a>
            <form method="post" action={`/applications/${no}/delete`} class="inline-form">
              <Csrf ctx={ctx} />
              <button type="submit" class="button button--quiet">{t('common.delete')}</button>
            </form>
          </div>
        )}
      </section>
      {a.type === 'renewal' && a.abroad && (
        <CertificateSection ctx={ctx} application={a} files={view.files} action={`/applications/${no}/files`} uploadError={uploadError} />
      )}
      {draft && a.type === 'renewal' && (
        <form method="post" action={`/applications/${no}/submit`} class="card">
          <h2>{t('applications.submitHeading')}</h2>
          <p>{t('applications.submitLead')}</p>
          <Csrf ctx={ctx} />
          <button type="submit" class="button">{t('applications.submitRenewal')}</button>
        </form>
      )}
      {draft && a.type === 'initial' && (
        <form method="post" action={`/applications/${no}/submit`} class="card">
          <Csrf ctx={ctx} />
          <button type="submit" class="button">{t('applications.submitInitial')}</button>
        </form>
      )}
      {draft && a.type === 'withdrawal' && (
        <p><a class="button" href={`/applications/${no}/withdraw`}>{t('applications.withdrawButton')}</a></p>
      )}
      {a.type === 'renewal' && status && status.cycle.id === a.cycle_id && <TaskList ctx={ctx} status={status} />}
      <section class="card" aria-labelledby="hist-h"><h2 id="hist-h">{t('applications.history')}</h2><History ctx={ctx} events={events} /></section>
    </Layout>
  );
}

/** The submission refused: every unmet condition, what is short, and where to fix it (STEP④ 申請できない場合). */
export function RefusedPage({ ctx, application, eligibility, staff }: { ctx: PageContext; application: Application; eligibility: Eligibility; staff?: boolean }) {
  const t = ctx.t;
  const e = eligibility;
  const back = staff ? `/staff/applications/${application.id}` : `/applications/${application.application_no}`;
  return (
    <Layout ctx={ctx} title={t('applications.refusedTitle')}>
      <p><a href={back}>{`${t('applications.detailTitle')} ${application.application_no}`}</a></p>
      <h1>{t('applications.refusedTitle')}</h1>
      <div class="notice notice--error" role="alert"><p>{t('applications.refusedLead')}</p></div>
      {!e.fees.ok && (
        <section class="card" aria-labelledby="fees-h">
          <h2 id="fees-h">{t('applications.feesUnpaidTitle')}</h2>
          <p>{t('applications.feesUnpaidLead')}</p>
          <ul>{e.fees.unpaid.map((u) => <li key={u.fiscalYear}>{t('applications.yearAmount', { year: u.fiscalYear, amount: formatYen(u.amount) })}</li>)}</ul>
          <p>{t('applications.feesTotal', { total: formatYen(e.fees.total), upTo: e.fees.upTo })}</p>
          {!staff && <p><a href="/billing">{t('applications.feesLink')}</a></p>}
        </section>
      )}
      {!e.credits.ok && (
        <section class="card" aria-labelledby="credits-h">
          <h2 id="credits-h">{t('applications.creditsShortTitle')}</h2>
          <p>{t('applications.creditsShortLead')}</p>
          <ul>
            {e.credits.missing > 0 && <li>{t('applications.task3.missing', { missing: e.credits.missing, counted: e.credits.counted, required: e.credits.required })}</li>}
            {e.credits.categoriesShort.map((c) => <li key={c.code}>{t('applications.categoryShort', { category: c.code, missing: c.missing })}</li>)}
            {e.credits.pendingCount > 0 && <li>{t('applications.task3.pending', { count: e.credits.pendingCount, credits: e.credits.pendingCredits })}</li>}
          </ul>
          <p>{t('applications.selfReportCapNote', { cap: e.credits.selfReportCap })}</p>
          {!staff && <p><a href="/credits">{t('applications.creditsLink')}</a></p>}
        </section>
      )}
      {!e.completeness.ok && (
        <section class="card" aria-labelledby="incomplete-h">
          <h2 id="incomplete-h">{t('applications.incompleteTitle')}</h2>
          {!staff && <p><a href={`/applications/${application.application_no}/edit`}>{t('applications.incompleteLink')}</a></p>}
        </section>
      )}
    </Layout>
  );
}

/** 更新申請完了: what was created and what happens next. */
export function SubmittedPage({ ctx, view, invoice }: { ctx: PageContext; view: ApplicationView; invoice?: { controlNo: string; amount: number; dueOn: string } }) {
  const t = ctx.t;
  const a = view.application;
  const initial = a.type === 'initial';
  return (
    <Layout ctx={ctx} title={t(initial ? 'applications.initialSubmittedTitle' : 'applications.submittedTitle')}>
      <h1>{t(initial ? 'applications.initialSubmittedTitle' : 'applications.submittedTitle')}</h1>
      <div class="notice notice--success" role="status"><p>{t(initial ? 'applications.initialSubmittedLead' : 'applications.submittedLead', { no: a.application_no })}</p></div>
      {invoice && (
        <>
          <p>{t('applications.submittedInvoice', { controlNo: invoice.controlNo, amount: formatYen(invoice.amount), due: formatDate(ctx, invoice.dueOn) })}</p>
          <p>{t('applications.submittedNext')}</p>
          <p>{t('applications.submittedMail')}</p>
          <p><a class="button" href={`/billing/${invoice.controlNo}`}>{t('applications.payNow', { controlNo: invoice.controlNo })}</a></p>
        </>
      )}
      <p><a class="button button--secondary" href="/profile/detail">{t('applications.close')}</a></p>
    </Layout>
  );
}

/** 「専門医認定辞退申請」 → the confirmation the guide shows as a popup (OK / キャンセル), as a page that works without script. */
export function WithdrawConfirmPage({ ctx, view, message }: { ctx: PageContext; view: ApplicationView; message?: string }) {
  const t = ctx.t;
  const no = view.application.application_no;
  return (
    <Layout ctx={ctx} title={t('applications.withdrawButton')}>
      <h1>{t('applications.withdrawButton')}</h1>
      {message && <div class="notice notice--error" role="alert"><p>{message}</p></div>}
      <Details ctx={ctx} view={view} />
      <p>{t('applications.withdrawConfirmLead', { cycle: view.cycle ? (ctx.locale === 'en' ? view.cycle.name_en : view.cycle.name_ja) : '' })}</p>
      <form method="post" action={`/applications/${no}/withdraw`}>
        <Csrf ctx={ctx} />
        <div class="actions">
          <button type="submit" class="button">{t('applications.ok')}</button>
          <a href={`/applications/${no}`} class="button button--quiet">{t('common.cancel')}</a>
        </div>
      </form>
    </Layout>
  );
}

export function WithdrawnPage({ ctx, view }: { ctx: PageContext; view: ApplicationView }) {
  const t = ctx.t;
  return (
    <Layout ctx={ctx} title={t('applications.withdrawnTitle')}>
      <h1>{t('applications.withdrawnTitle')}</h1>
      <div class="notice notice--success" role="status"><p>{t('applications.withdrawnLead', { no: view.application.application_no })}</p></div>
      <p><a class="button button--secondary" href="/profile/detail">{t('applications.close')}</a></p>
    </Layout>
  );
}

/** A reason field (差し戻し, 再提出を依頼) with its inline error, kept on a 400. */
function ReasonField({ ctx, id, label, errors, values }: { ctx: PageContext; id: string; label: 'm360.revertReason' | 'm360.requestReason'; errors?: FormErrors; values?: FormValues }) {
  const error = errors?.[id];
  return (
    <div class={`field${error ? ' field--error' : ''}`}>
      <label for={id} class="field__label">{ctx.t(label)}<span class="field__required">{ctx.t('common.required')}</span></label>
      {error && <p id={`${id}-error`} class="field__error"><span class="visually-hidden">{ctx.t('common.errorPrefix')}: </span>{ctx.t(error)}</p>}
      <textarea id={id} name="reason" class="input" rows={3} maxLength={1000} required aria-invalid={error ? 'true' : undefined}
        aria-describedby={error ? `${id}-error` : undefined}>{values?.[id] ?? ''}</textarea>
    </div>
  );
}

/**
 * 事務局: one application (from the member page or the certificate queue): its 在籍証明書 with 「確認済みにする」 /
 * 「再提出を依頼」, a paper record's scan and 「専門医資格更新申請」, and 差し戻し of a submitted renewal.
 */
export function StaffApplicationPage({ ctx, view, memberLink, errors, values, message }: {
  ctx: PageContext; view: ApplicationView & { files: ApplicationFile[]; scans: ApplicationFile[]; returned: ApplicationFile[]; events: ApplicationEvent[] };
  memberLink: { href: string; label: string }; errors?: FormErrors; values?: FormValues; message?: string;
}) {
  const t = ctx.t;
  const a = view.application;
  const base = `/staff/applications/${a.id}`;
  const paperOpen = a.channel === 'paper' && (a.status === 'draft' || a.status === 'submitted');
  return (
    <Layout ctx={ctx} title={`${t('applications.detailTitle')} ${a.application_no}`} errors={errors}
      fieldLabels={{ revertReason: t('m360.revertReason'), requestReason: t('m360.requestReason'), file: t('m360.scanFile') }}>
      <p><a href={memberLink.href}>{memberLink.label}</a></p>
      <h1>{`${t('applications.detailTitle')} ${a.application_no}`}</h1>
      {message && <div class="notice notice--error" role="alert"><p>{message}</p></div>}
      <section class="card" aria-labelledby="app-h">
        <h2 id="app-h">{t('applications.detailsHeading')}</h2>
        <Details ctx={ctx} view={view} />
      </section>
      {a.channel === 'paper' && (
        <section class="card" aria-labelledby="scan-h">
          <h2 id="scan-h">{t('m360.scanTitle')}</h2>
          {view.scans.length === 0 ? <p>{t('m360.scanNone')}</p> : (
            <ul class="related-list">{view.scans.map((f) => <li key={f.id}><a href={`${base}/files/${f.id}`}>{f.original_name}</a> ({Math.ceil(f.size_bytes / 1024)} KB)</li>)}</ul>
          )}
          {paperOpen && ctx.can('applications.enterPaper') && (
            <form method="post" action={`${base}/files`} enctype="multipart/form-data" novalidate>
              <Csrf ctx={ctx} />
              <div class={`field${errors?.file ? ' field--error' : ''}`}>
                <label for="file" class="field__label">{t('m360.scanFile')}</label>
                <p id="file-hint" class="field__hint">{t('m360.scanHint')}</p>
                {errors?.file && <p id="file-error" class="field__error"><span class="visually-hidden">{t('common.errorPrefix')}: </span>{t(errors.file)}</p>}
                <input id="file" name="file" type="file" accept="application/pdf,image/jpeg,image/png" class="input"
                  aria-describedby={errors?.file ? 'file-hint file-error' : 'file-hint'} aria-invalid={errors?.file ? 'true' : undefined} />
              </div>
              <button type="submit" class="button button--secondary">{t('credits.upload')}</button>
            </form>
          )}
        </section>
      )}
      {a.channel === 'paper' && a.type === 'renewal' && a.status === 'draft' && !view.readOnly && ctx.can('applications.enterPaper') && (
        <form method="post" action={`${base}/submit`} class="card">
          <h2>{t('applications.submitHeading')}</h2>
          <p>{t('m360.staffSubmitLead')}</p>
          <Csrf ctx={ctx} />
          <button type="submit" class="button">{t('applications.submitRenewal')}</button>
        </form>
      )}
      {a.type === 'renewal' && a.status === 'submitted' && !view.readOnly && ctx.can('applications.revert') && (
        <form method="post" action={`${base}/revert`} class="card" novalidate>
          <h2>{t('m360.revertTitle')}</h2>
          <p>{t('m360.revertLead')}</p>
          <Csrf ctx={ctx} />
          <ReasonField ctx={ctx} id="revertReason" label="m360.revertReason" errors={errors} values={values} />
          <button type="submit" class="button button--secondary">{t('m360.revert')}</button>
        </form>
      )}
      {a.abroad && (
        <section class="card" aria-labelledby="certificate-h">
          <h2 id="certificate-h">{t('applications.certificateTitle')}</h2>
          <p><CertificateBadge ctx={ctx} application={{ ...a, certificateCount: view.files.length }} /></p>
          {view.files.length === 0 ? <p>{t('applications.certificate.missing')}</p> : (
            <ul class="related-list">{view.files.map((f) => <li key={f.id}><a href={`${base}/files/${f.id}`}>{f.original_name}</a></li>)}</ul>
          )}
          {view.returned.length > 0 && (
            <>
              <h3>{t('m360.returnedTitle')}</h3>
              <ul class="related-list">{view.returned.map((f) => <li key={f.id}><a href={`${base}/files/${f.id}`}>{f.original_name}</a>{` — ${f.rejected_reason ?? ''}`}</li>)}</ul>
            </>
          )}
          {view.files.length > 0 && !a.abroad_verified_at && ctx.can('applications.verify') && (
            <>
              <form method="post" action={`${base}/verify`}>
                <Csrf ctx={ctx} />
                <p>{t('applications.verifyLead')}</p>
                <button type="submit" class="button">{t('applications.verify')}</button>
              </form>
              <form method="post" action={`${base}/request-certificate`} novalidate>
                <h3>{t('m360.requestTitle')}</h3>
                <p>{t('m360.requestLead')}</p>
                <Csrf ctx={ctx} />
                <ReasonField ctx={ctx} id="requestReason" label="m360.requestReason" errors={errors} values={values} />
                <button type="submit" class="button button--secondary">{t('m360.request')}</button>
              </form>
            </>
          )}
        </section>
      )}
      <section class="card" aria-labelledby="hist-h"><h2 id="hist-h">{t('applications.history')}</h2><History ctx={ctx} events={view.events} /></section>
    </Layout>
  );
}

/** The member page (staff): where the member stands in the cycle they are due for, as the submission would judge it. */
export function StaffEligibilitySection({ ctx, status }: { ctx: PageContext; status?: RenewalStatus }) {
  const t = ctx.t;
  if (!status) {
    return <section class="card" aria-labelledby="m360-elig-h"><h2 id="m360-elig-h">{t('m360.eligibility')}</h2><p>{t('m360.notTarget')}</p></section>;
  }
  const e = status.eligibility;
  const mark = (ok: boolean) => t(ok ? 'm360.ok' : 'm360.notOk');
  return (
    <section class="card" aria-labelledby="m360-elig-h">
      <h2 id="m360-elig-h">{t('m360.eligibility')}</h2>
      <dl class="summary">
        <Row label={t('applications.cycle')}>{ctx.locale === 'en' ? status.cycle.name_en : status.cycle.name_ja}</Row>
        <Row label={t('m360.eligibilityResult')}><strong>{t(e.ok ? 'm360.eligible' : e.fees.ok && e.credits.ok ? 'm360.eligibleOnceComplete' : 'm360.notEligible')}</strong></Row>
        <Row label={t('m360.fees')}>{mark(e.fees.ok)}{!e.fees.ok && ` ${e.fees.unpaid.map((u) => t('applications.yearAmount', { year: u.fiscalYear, amount: formatYen(u.amount) })).join('、')}`}</Row>
        <Row label={t('m360.credits')}>
          {mark(e.credits.ok)} {e.credits.waived ? t('m360.creditsWaived') : t('m360.creditsValue', { counted: e.credits.counted, required: e.credits.required })}
          {e.credits.pendingCount > 0 && ` ${t('applications.task3.pending', { count: e.credits.pendingCount, credits: e.credits.pendingCredits })}`}
        </Row>
        <Row label={t('m360.renewal')}>{status.renewal ? <><a href={`/staff/applications/${status.renewal.id}`}>{status.renewal.application_no}</a> <StatusBadge ctx={ctx} status={status.renewal.status} /></> : t('m360.noRenewal')}</Row>
        {status.invoice && <Row label={t('m360.renewalFee')}>{`${status.invoice.controlNo} ${formatYen(status.invoice.amount)}`} <span class="badge">{t(`billing.status.${status.invoice.status}`)}</span></Row>}
      </dl>
    </section>
  );
}

/** The member page's section (staff): every application of the member. */
export function StaffApplicationsSection({ ctx, views }: { ctx: PageContext; views: ApplicationView[] }) {
  const t = ctx.t;
  return (
    <section class="card" aria-labelledby="staff-applications-h">
      <h2 id="staff-applications-h">{t('applications.related')}</h2>
      {views.length === 0 ? <p>{t('applications.none')}</p> : (
        <ul class="related-list">
          {views.map(({ application: a }) => (
            <li key={a.id}><a href={`/staff/applications/${a.id}`}>{a.application_no}</a> {t(`applications.type.${a.type}`)} <StatusBadge ctx={ctx} status={a.status} /></li>
          ))}
        </ul>
      )}
    </section>
  );
}

/** 事務局: uploaded 在籍証明書 waiting to be checked. */
export function CertificateQueuePage({ ctx, views, members }: { ctx: PageContext; views: ApplicationView[]; members?: Map<number, { member_number: string; name: string }> }) {
  const t = ctx.t;
  return (
    <Layout ctx={ctx} title={t('applications.queueTitle')}>
      <h1>{t('applications.queueTitle')}</h1>
      {views.length === 0 ? <p>{t('applications.queueNone')}</p> : (
        <div class="table-wrap">
          <table class="table">
            <thead><tr>
              <th scope="col">{t('applications.col.no')}</th><th scope="col">{t('profile.memberNumber')}</th><th scope="col">{t('profile.name')}</th>
              <th scope="col">{t('applications.abroadLegend')}</th><th scope="col">{t('applications.col.status')}</th>
            </tr></thead>
            <tbody>
              {views.map(({ application: a }) => {
                const m = members?.get(a.member_id);
                return (
                  <tr key={a.id}>
                    <td><a href={`/staff/applications/${a.id}`}>{a.application_no}</a></td>
                    <td>{m && <a href={`/staff/members/${m.member_number}`}>{m.member_number}</a>}</td>
                    <td>{m?.name}</td>
                    <td>{t('applications.abroadSummary', { from: formatDate(ctx, a.abroad_departed_on), to: a.abroad_ongoing ? t('applications.abroadStatus.ongoing') : formatDate(ctx, a.abroad_returned_on) })}</td>
                    <td><StatusBadge ctx={ctx} status={a.status} /></td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
      )}
    </Layout>
  );
}
