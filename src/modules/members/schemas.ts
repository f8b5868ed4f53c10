import { z } from 'zod';
import { text } from '../../platform/forms';
import { normalizeDigits } from '../../platform/japanese';
import { PREFECTURES } from './prefectures';

export const emailChangeSchema = z.object({
  email: z
    .string({ error: 'profile.emailInvalid' })
    .transform((s) => s.trim())
    .pipe(z.email({ error: 'profile.emailInvalid' }).max(254, { error: 'profile.emailInvalid' })),
});

export const addressSchema = z.object({
  postal_code: z
    .string({ error: 'profile.postalCodeInvalid' })
    .transform((s) => normalizeDigits(s).replace(/\s/g, ''))
    .refine((s) => /^\d{3}-?\d{4}$/.test(s), { message: 'profile.postalCodeInvalid' })
    .transform((s) => `${s.replace('-', '').slice(0, 3)}-${s.replace('-', '').slice(3)}`),
  prefecture: z.string({ error: 'profile.prefectureInvalid' }).refine((s) => (PREFECTURES as readonly string[]).includes(s), {
    message: 'profile.prefectureInvalid',
  }),
  address_line1: text({ max: 200 }),
  address_line2: text({ max: 200, optional: true }),
  organisation: text({ max: 200, optional: true }),
});

export type AddressInput = z.output<typeof addressSchema>;

/** 事務局: the contact data staff may correct (email, phone, 〒, address, organisation), all in one form. */
export const contactSchema = addressSchema.extend({
  email: emailChangeSchema.shape.email,
  phone: z
    .string({ error: 'm360.phoneInvalid' })
    .transform((s) => normalizeDigits(s).replace(/[\s()（）]/g, ''))
    .refine((s) => /^\+?\d[\d-]{8,18}$/.test(s) && s.replace(/\D/g, '').length >= 10 && s.replace(/\D/g, '').length <= 15, { message: 'm360.phoneInvalid' }),
});

export type ContactInput = z.output<typeof contactSchema>;
