import type { PaymentInstructions } from '../../platform/db/schema';
import type { Locale, Translate } from '../../platform/i18n';
import { formatDateEn, formatDateJa, formatDateTime } from '../../platform/japanese';

/** The numbers a payer needs, in the order the page and the mail show them. */
export const INSTRUCTION_LABELS = {
  receiptNumber: 'payments.receiptNumber', phone: 'payments.phone', companyCode: 'payments.companyCode', orderNumber: 'payments.orderNumber',
  slipNumber: 'payments.slipNumber', institutionNumber: 'payments.institutionNumber', customerNumber: 'payments.customerNumber', confirmationNumber: 'payments.confirmationNumber',
} as const;

export const instructionKeys = (instructions: PaymentInstructions) =>
  (Object.keys(INSTRUCTION_LABELS) as (keyof typeof INSTRUCTION_LABELS)[]).filter((k) => instructions[k]);

/** 「コンビニ: ローソン」「受付番号: 123456」…, one per line (for the mail). */
export function instructionLines(t: Translate, instructions: PaymentInstructions): string {
  const lines = instructions.chain ? [`${t('payments.chain')}: ${t(`payments.chain.${instructions.chain}`)}`] : [];
  for (const k of instructionKeys(instructions)) lines.push(`${t(INSTRUCTION_LABELS[k])}: ${instructions[k]}`);
  return lines.join('\n');
}

/** A payment deadline with its date in 和暦 and the time in Tokyo: 2026年11月30日（令和8年） 23:59. */
export function formatDeadline(date: Date, locale: Locale): string {
  const time = formatDateTime(date, locale).slice(-5);
  return locale === 'en' ? `${formatDateEn(date)} ${time} (JST)` : `${formatDateJa(date)} ${time}`;
}
