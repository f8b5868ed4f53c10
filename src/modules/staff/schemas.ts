import { z } from 'zod';
import { noControlChars, text } from '../../platform/forms';
import { STAFF_ROLES } from '../../platform/policy';

export const staffLoginSchema = z.object({
  email: z.string({ error: 'staff.emailInvalid' }).trim().min(1, { error: 'staff.emailInvalid' }).max(254, { error: 'staff.emailInvalid' })
    .refine(noControlChars, { message: 'staff.emailInvalid' }),
  password: z.string({ error: 'login.passwordRequired' }).min(1, { error: 'login.passwordRequired' }).max(1000, { error: 'staff.loginFailed' }),
});

export const codeSchema = z.object({
  code: z.string({ error: 'staff.totpInvalid' }).trim().min(6, { error: 'staff.totpInvalid' }).max(40, { error: 'staff.totpInvalid' }),
});

export const inviteSchema = z.object({
  email: z.string({ error: 'profile.emailInvalid' }).trim().pipe(z.email({ error: 'profile.emailInvalid' }).max(254, { error: 'profile.emailInvalid' })),
  displayName: text({ max: 100 }),
  role: z.enum(STAFF_ROLES, { error: 'error.required' }),
});

export const roleSchema = z.object({ role: z.enum(STAFF_ROLES, { error: 'error.required' }) });

export const qrVerifySchema = z.object({ code: text({ max: 2000 }) });
