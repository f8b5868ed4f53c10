import { z } from 'zod';
import { normalizeDigits } from '../../platform/japanese';

/** 会員番号: 6 half-width digits starting with 1; full-width digits and surrounding spaces are accepted. */
export const memberNumber = z
  .string({ error: 'login.memberNumberInvalid' })
  .max(100, { error: 'login.memberNumberInvalid' })
  .transform((s) => normalizeDigits(s))
  .refine((s) => /^1\d{5}$/.test(s), { message: 'login.memberNumberInvalid' });

export const loginSchema = z.object({
  memberNumber,
  password: z
    .string({ error: 'login.passwordRequired' })
    .min(1, { error: 'login.passwordRequired' })
    .max(1000, { error: 'login.failed' }),
});

export const forgotSchema = z.object({ memberNumber });

export const newPasswordSchema = z
  .object({
    password: z.string({ error: 'reset.tooShort' }).max(1000, { error: 'reset.tooLongPw' }),
    confirm: z.string({ error: 'reset.mismatch' }).max(1000, { error: 'reset.mismatch' }),
  })
  .refine((v) => v.password === v.confirm, { message: 'reset.mismatch', path: ['confirm'] });
