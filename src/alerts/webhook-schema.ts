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
export const alertmanagerWebhookSchema = z.object({
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

/**
 * Grafana-managed alert rules post the same alert objects with `"version": "1"` and extra fields
 * (top level: orgId, title, state, message; per alert: values, valueString, silenceURL,
 * dashboardURL, panelURL), documented in Grafana's webhook notifier page. They are read like v4:
 * the contract is the alerts' labels and annotations, and the extra fields are for people.
 */
export const grafanaWebhookSchema = alertmanagerWebhookSchema.extend({
  version: z.literal('1'),
  orgId: z.number().optional(),
  title: z.string().optional(),
  state: z.string().optional(),
  message: z.string().optional(),
});

/** What POST /v1/alertmanager accepts: Alertmanager's v4 body or Grafana's version "1" body. */
export const webhookSchema = z.discriminatedUnion('version', [alertmanagerWebhookSchema, grafanaWebhookSchema], {
  error: 'only Alertmanager webhook version "4" (or "1" from Grafana-managed alerts) is supported',
});

export type WebhookAlert = z.infer<typeof webhookAlertSchema>;
export type WebhookPayload = z.infer<typeof webhookSchema>;
