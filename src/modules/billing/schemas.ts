import { z } from 'zod';
import { text } from '../../platform/forms';
import { calendarDate } from '../../platform/forms';

export const markPaidSchema = z.object({
  method: z.enum(['transfer', 'slip', 'cash', 'card', 'konbini', 'payeasy'], { error: 'error.required' }),
  paidOn: calendarDate('credits.dateInvalid'),
  reference: text({ max: 100, optional: true }).optional().transform((s) => s ?? ''),
  reason: text({ max: 500 }),
});

export const cancelSchema = z.object({ cancelReason: text({ max: 500 }) });
