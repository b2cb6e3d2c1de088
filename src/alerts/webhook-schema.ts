import { z } from 'zod';

const labelSet = z.record(z.string(), z.string());

/** One alert of an Alertmanager webhook v4 notification. */
export const webhookAlertSchema = z.object({
  status: z.enum(['firing', 'resolved']),
  labels: labelSet,
  annotations: labelSet.default({}),
  startsAt: z.iso.datetime({ offset: true }),
  endsAt: z.string().default(''),
  generatorURL: z.string().default(''),
  fingerprint: z.string().default(''),
});

/**
 * Alertmanager's webhook body, version 4 (what `webhook_configs` POSTs).
 * Unknown fields are ignored so a newer Alertmanager keeps working.
 */
export const webhookSchema = z.object({
  version: z.literal('4', { error: 'only Alertmanager webhook version "4" is supported' }),
  groupKey: z.string(),
  truncatedAlerts: z.int().min(0).default(0),
  status: z.enum(['firing', 'resolved']),
  receiver: z.string(),
  groupLabels: labelSet,
  commonLabels: labelSet,
  commonAnnotations: labelSet,
  externalURL: z.string(),
  alerts: z.array(webhookAlertSchema),
});

export type WebhookAlert = z.infer<typeof webhookAlertSchema>;
export type WebhookPayload = z.infer<typeof webhookSchema>;
