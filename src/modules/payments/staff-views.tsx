import type { PaymentAttempt, PaymentInstructions } from '../../platform/db/schema';
import { formatDateTime, formatYen } from '../../platform/japanese';
import type { PageContext } from '../../platform/views/context';
import type { StaffAttempt } from './service';

const NUMBER_LABELS = {
  receiptNumber: 'payments.receiptNumber', phone: 'payments.phone', companyCode: 'payments.companyCode', orderNumber: 'payments.orderNumber',
  slipNumber: 'payments.slipNumber', institutionNumber: 'payments.institutionNumber', customerNumber: 'payments.customerNumber', confirmationNumber: 'payments.confirmationNumber',
} as const;

/** The konbini chain and numbers or the Pay-easy numbers on one line: 「ローソン 受付番号 123456 電話番号 0312345678」. */
export function numbersText(ctx: PageContext, instructions: PaymentInstructions | null): string {
  if (!instructions) return '—';
  const parts = (Object.keys(NUMBER_LABELS) as (keyof typeof NUMBER_LABELS)[]).filter((k) => instructions[k]).map((k) => `${ctx.t(NUMBER_LABELS[k])} ${instructions[k]}`);
  return [instructions.chain ? ctx.t(`payments.chain.${instructions.chain}`) : '', ...parts].filter(Boolean).join(' ') || '—';
}

const when = (ctx: PageContext, d: Date | null) => (d ? formatDateTime(d, ctx.locale) : '—');

function AttemptStatus({ ctx, attempt }: { ctx: PageContext; attempt: PaymentAttempt }) {
  return (
    <>
      {ctx.t(`staffBilling.attempt.${attempt.status}`)}
      {attempt.overpayment && <> <span class="badge badge--overdue">{ctx.t('staffBilling.overpaymentFlag')}</span></>}
    </>
  );
}

/** 決済の記録 on the staff invoice page: every attempt (latest first) and the notifications received for them. */
export function StaffAttempts({ ctx, rows }: { ctx: PageContext; rows: StaffAttempt[] }) {
  const t = ctx.t;
  const notifications = rows.flatMap((r) => r.notifications.map((n) => ({ n, attemptId: r.attempt.id })));
  return (
    <section class="card" aria-labelledby="attempts-h">
      <h2 id="attempts-h">{t('staffBilling.attempts')}</h2>
      {rows.length === 0 ? <p>{t('staffBilling.attemptsNone')}</p> : (
        <div class="table-wrap" role="region" aria-label={t('staffBilling.attempts')} tabIndex={0}>
          <table class="table dense">
            <thead><tr>
              <th scope="col">#</th><th scope="col">{t('payments.method')}</th><th scope="col">{t('billing.col.status')}</th><th scope="col">{t('staffBilling.gateway')}</th>
              <th scope="col">{t('staffBilling.gatewayRef')}</th><th scope="col">{t('staffBilling.numbers')}</th><th scope="col">{t('billing.col.amount')}</th>
              <th scope="col">{t('staffBilling.created')}</th><th scope="col">{t('staffBilling.holdUntil')}</th><th scope="col">{t('staffBilling.settled')}</th>
            </tr></thead>
            <tbody>
              {rows.map(({ attempt: a }) => (
                <tr key={a.id}>
                  <td>{a.id}</td>
                  <td>{t(`billing.method.${a.method}`)}</td>
                  <td><AttemptStatus ctx={ctx} attempt={a} /></td>
                  <td>{a.gateway}</td>
                  <td class="break">{a.gateway_ref ?? '—'}</td>
                  <td class="break">{numbersText(ctx, a.instructions)}</td>
                  <td class="num">{formatYen(a.amount)}</td>
                  <td>{when(ctx, a.created_at)}</td>
                  <td>{when(ctx, a.hold_until)}</td>
                  <td>{when(ctx, a.settled_at)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {rows.length > 0 && (
        <>
          <h3>{t('staffBilling.notifications')}</h3>
          {notifications.length === 0 ? <p>{t('staffBilling.notificationsNone')}</p> : (
            <div class="table-wrap" role="region" aria-label={t('staffBilling.notifications')} tabIndex={0}>
              <table class="table dense">
                <thead><tr>
                  <th scope="col">{t('staffBilling.attemptNo')}</th><th scope="col">{t('staffBilling.eventId')}</th>
                  <th scope="col">{t('staffBilling.received')}</th><th scope="col">{t('staffBilling.applied')}</th>
                </tr></thead>
                <tbody>
                  {notifications.map(({ n, attemptId }) => (
                    <tr key={n.id}>
                      <td>{attemptId}</td><td class="break">{n.event_id}</td><td>{when(ctx, n.received_at)}</td>
                      <td>{n.applied_at ? formatDateTime(n.applied_at, ctx.locale) : t('staffBilling.notApplied')}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )}
        </>
      )}
    </section>
  );
}

/** 決済の記録 on the staff member page: the member's attempts on every invoice, latest first. */
export function StaffMemberAttempts({ ctx, rows }: { ctx: PageContext; rows: { attempt: PaymentAttempt; invoiceId: number; controlNo: string }[] }) {
  const t = ctx.t;
  return (
    <section class="card" aria-labelledby="member-attempts-h">
      <h2 id="member-attempts-h">{t('staffBilling.attempts')}</h2>
      {rows.length === 0 ? <p>{t('staffBilling.attemptsNone')}</p> : (
        <div class="table-wrap" role="region" aria-label={t('staffBilling.attempts')} tabIndex={0}>
          <table class="table dense">
            <thead><tr>
              <th scope="col">{t('billing.col.controlNo')}</th><th scope="col">{t('payments.method')}</th><th scope="col">{t('billing.col.status')}</th>
              <th scope="col">{t('staffBilling.numbers')}</th><th scope="col">{t('billing.col.amount')}</th><th scope="col">{t('staffBilling.created')}</th><th scope="col">{t('staffBilling.settled')}</th>
            </tr></thead>
            <tbody>
              {rows.map(({ attempt: a, invoiceId, controlNo }) => (
                <tr key={a.id}>
                  <td><a href={`/staff/invoices/${invoiceId}`}>{controlNo}</a></td>
                  <td>{t(`billing.method.${a.method}`)}</td>
                  <td><AttemptStatus ctx={ctx} attempt={a} /></td>
                  <td class="break">{numbersText(ctx, a.instructions)}</td>
                  <td class="num">{formatYen(a.amount)}</td>
                  <td>{when(ctx, a.created_at)}</td>
                  <td>{when(ctx, a.settled_at)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}
