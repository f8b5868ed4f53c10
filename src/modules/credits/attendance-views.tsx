import { formatDateTime } from '../../platform/japanese';
import type { FormErrors, FormValues, PageContext } from '../../platform/views/context';
import { Csrf, labelsFor } from '../../platform/views/forms';
import { Layout } from '../../platform/views/layout';
import { fullName } from '../members/service';
import type { Meeting, ScanLine, ScanOutcome } from './attendance';
import { day, entryName } from './views';

const dates = (ctx: PageContext, m: Meeting) =>
  m.activity_from ? (m.activity_to && m.activity_to !== m.activity_from ? `${day(ctx, m.activity_from)} – ${day(ctx, m.activity_to)}` : day(ctx, m.activity_from)) : '';

export function MeetingsPage({ ctx, meetings }: { ctx: PageContext; meetings: Meeting[] }) {
  const t = ctx.t;
  return (
    <Layout ctx={ctx} title={t('attendance.title')}>
      <h1>{t('attendance.title')}</h1>
      <p>{t('attendance.lead')}</p>
      {meetings.length === 0 ? <p>{t('attendance.noMeetings')}</p> : (
        <div class="table-wrap" role="region" aria-label={t('attendance.title')} tabIndex={0}>
          <table class="table dense">
            <thead><tr>
              <th scope="col">{t('credits.col.code')}</th><th scope="col">{t('attendance.meeting')}</th><th scope="col">{t('attendance.dates')}</th>
              <th scope="col">{t('credits.col.credits')}</th><th scope="col"><span class="visually-hidden">{t('attendance.open')}</span></th>
            </tr></thead>
            <tbody>
              {meetings.map((m) => (
                <tr key={m.id}>
                  <td>{m.code}</td>
                  <td>{entryName(ctx, m)} <span class="muted">（{t(`credits.kind.${m.kind}`)}）</span></td>
                  <td>{dates(ctx, m)}</td>
                  <td>{m.credits}</td>
                  <td>{m.open
                    ? <a href={`/staff/credits/checkin/${m.id}`} aria-label={`${t('attendance.open')}: ${entryName(ctx, m)}`}>{t('attendance.open')}</a>
                    : <span class="muted">{t('attendance.notStarted')}</span>}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </Layout>
  );
}

function Outcome({ ctx, outcome, credits }: { ctx: PageContext; outcome: ScanOutcome; credits: number }) {
  const t = ctx.t;
  const who = outcome.member ? `${outcome.member.member_number} ${fullName(outcome.member)}` : (outcome.memberNumber ?? '');
  const text = (() => {
    switch (outcome.result) {
      case 'credited': return t('attendance.credited', { member: who, credits });
      case 'duplicate': return t('attendance.duplicate', { member: who });
      case 'expired': return t('attendance.expired', { number: outcome.memberNumber ?? '', expiredAt: outcome.expiredAt ? formatDateTime(outcome.expiredAt, ctx.locale) : '' });
      case 'unknown_member': return t('attendance.unknownMember', { number: outcome.memberNumber ?? '' });
      default: return t('attendance.invalid');
    }
  })();
  const ok = outcome.result === 'credited';
  return (
    <div class={ok ? 'status-valid' : 'status-invalid'} role={ok ? 'status' : 'alert'} id="scan-result" data-result={outcome.result}>
      <p><strong>{text}</strong></p>
    </div>
  );
}

export function ScanPage({ ctx, meeting, count, recent, outcome, errors, values }: {
  ctx: PageContext; meeting: Meeting; count: number; recent: ScanLine[]; outcome?: ScanOutcome; errors?: FormErrors; values?: FormValues;
}) {
  const t = ctx.t;
  const error = errors?.code;
  const describedBy = ['code-hint', error ? 'code-error' : ''].filter(Boolean).join(' ');
  return (
    <Layout ctx={ctx} title={`${t('attendance.scanTitle')}: ${entryName(ctx, meeting)}`} errors={errors} fieldLabels={labelsFor(ctx, { code: 'attendance.input' })}>
      <p><a href="/staff/credits/checkin">{t('attendance.changeMeeting')}</a></p>
      <h1>{`${t('attendance.scanTitle')}: ${entryName(ctx, meeting)}`}</h1>
      <p>{meeting.code} · {dates(ctx, meeting)} · {t('attendance.creditsEach', { credits: meeting.credits })}</p>
      <p class="big-number" id="checked-in">{t('attendance.count', { count })}</p>
      {outcome && <Outcome ctx={ctx} outcome={outcome} credits={meeting.credits} />}
      {ctx.can('checkin.record') && <form method="post" action={`/staff/credits/checkin/${meeting.id}`} novalidate data-scan=""
        data-camera-start={t('attendance.cameraStart')} data-camera-stop={t('attendance.cameraStop')} data-camera-error={t('attendance.cameraError')}
        data-camera-label={t('attendance.cameraLabel')}>
        <Csrf ctx={ctx} />
        <div class={`field${error ? ' field--error' : ''}`}>
          <label for="code" class="field__label">{t('attendance.input')}</label>
          <p id="code-hint" class="field__hint">{t('attendance.inputHint')}</p>
          {error && <p id="code-error" class="field__error"><span class="visually-hidden">{t('common.errorPrefix')}: </span>{t(error)}</p>}
          {/* autofocus: a handheld QR reader types into the field and presses Enter, with or without script. */}
          <input type="text" id="code" name="code" class={`input input--l${error ? ' input--error' : ''}`} value={values?.code ?? ''} maxLength={2000}
            autocomplete="off" autocapitalize="off" spellcheck={false} autofocus aria-describedby={describedBy} aria-invalid={error ? 'true' : undefined} />
        </div>
        <div class="actions"><button type="submit" class="button">{t('attendance.submit')}</button></div>
      </form>}
      <section aria-labelledby="recent-h">
        <h2 id="recent-h">{t('attendance.recent')}</h2>
        {recent.length === 0 ? <p>{t('attendance.recentNone')}</p> : (
          <div class="table-wrap" role="region" aria-labelledby="recent-h" tabIndex={0}>
            <table class="table dense">
              <thead><tr>
                <th scope="col">{t('attendance.col.time')}</th><th scope="col">{t('attendance.col.kind')}</th>
                <th scope="col">{t('attendance.col.member')}</th><th scope="col">{t('attendance.col.result')}</th>
              </tr></thead>
              <tbody>
                {recent.map((s) => (
                  <tr key={s.id} data-result={s.result}>
                    <td>{formatDateTime(s.scanned_at, ctx.locale)}</td>
                    <td>{t(`attendance.kind.${s.input_kind}`)}</td>
                    <td>{s.member ? `${s.member.member_number} ${fullName(s.member)}` : (s.member_number ?? '—')}</td>
                    <td>{s.result === 'credited' ? t('attendance.result.credited') : <strong>{t(`attendance.result.${s.result}`)}</strong>}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </section>
      <script src="/assets/checkin-scan.js" defer />
    </Layout>
  );
}
