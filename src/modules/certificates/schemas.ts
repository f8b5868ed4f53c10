import { z } from 'zod';
import { text } from '../../platform/forms';

export const reissueSchema = z.object({ reissueReason: text({ max: 500, required: 'certificates.reasonRequired' }) });

export const revokeSchema = z.object({
  kind: z.enum(['revoked', 'withdrawn'], { error: 'certificates.kindRequired' }),
  revokeReason: text({ max: 500, required: 'certificates.reasonRequired' }),
});
