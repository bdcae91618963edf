import { z } from 'zod';
import { adminConfigSchema } from '../admin/config.js';
import { authConfigSchema } from '../auth/config.js';
import { bouncesConfigSchema } from '../bounces/config.js';
import { redisConfigSchema } from '../cluster/config.js';
import { deliveryConfigSchema } from '../delivery/config.js';
import { notificationsConfigSchema } from '../incidents/notify/config.js';
import { detectionConfigSchema } from '../policy/config.js';
import { retentionConfigSchema } from '../storage/retention.js';
import { baseConfigSchema } from './schema.js';

/**
 * The full schema: the base keys plus one section per stage. Unknown top-level keys are
 * errors, so a misspelt section is reported instead of silently ignored.
 */
export const configSchema = baseConfigSchema
  .extend({
    auth: authConfigSchema.prefault({}),
    delivery: deliveryConfigSchema.prefault({}),
    detection: detectionConfigSchema.prefault({}),
    notifications: notificationsConfigSchema.prefault({}),
    bounces: bouncesConfigSchema.prefault({}),
    admin: adminConfigSchema.prefault({}),
    redis: redisConfigSchema.prefault({}),
    retention: retentionConfigSchema.prefault({}),
  })
  .strict()
  .superRefine((c, ctx) => {
    const window = c.detection.profile.windowDays;
    if (c.retention.eventDays > 0 && c.retention.eventDays < window) {
      ctx.addIssue({
        code: 'custom',
        path: ['retention', 'eventDays'],
        message: `must be 0 (keep every event) or at least detection.profile.windowDays (${window}): the detection engine learns each account's habits from that many days of events`,
      });
    }
  });

export type Config = z.infer<typeof configSchema>;
