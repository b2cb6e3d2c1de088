import { Hono } from 'hono';
import { webhookSchema } from '../../alerts/index.js';
import { readBodyText } from '../body.js';
import type { ReceiverEnv } from '../env.js';
import { HttpError } from '../errors.js';
import { handleNotification, type NotificationDeps } from '../notification.js';
import { validate } from '../validate.js';

export const WEBHOOK_BODY_LIMIT = 1024 * 1024;

/** `POST /v1/alertmanager`: Alertmanager webhook v4. */
export function webhookRoutes(deps: NotificationDeps) {
  return new Hono<ReceiverEnv>().post('/alertmanager', async (c) => {
    const text = await readBodyText(c, WEBHOOK_BODY_LIMIT);
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch (err) {
      throw new HttpError(400, 'invalid_json', `body is not JSON: ${(err as Error).message}`);
    }
    const payload = validate(webhookSchema, json, 'Alertmanager webhook v4 body');
    const result = await handleNotification(deps, payload, c.get('requestId'));
    return c.json(result, 200);
  });
}
