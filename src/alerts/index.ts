export {
  webhookSchema,
  alertmanagerWebhookSchema,
  grafanaWebhookSchema,
  webhookAlertSchema,
  type WebhookAlert,
  type WebhookPayload,
} from './webhook-schema.js';
export { classifyAlert, alertRef, type AlertRef, type Classified, type ScaleDirection, type ScaleSignal } from './signal.js';
