/**
 * The one name alertmanager.yml must share with the receiver: the webhook path. amtool accepts any
 * URL, so a config that sends scaling alerts nowhere near /v1/alertmanager passes it. Pure.
 */
import { isMap, isScalar, isSeq, LineCounter, parseDocument } from 'yaml';
import type { Finding } from './findings.js';

export const WEBHOOK_PATH = '/v1/alertmanager';

export function alertmanagerFindings(text: string, file: string, receiverListen: string): Finding[] {
  const lc = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lc });
  // amtool reports syntax errors; nothing to add here.
  if (doc.errors.length > 0) return [];
  const receivers = doc.get('receivers', true);
  let webhooks = 0;
  for (const receiver of isSeq(receivers) ? receivers.items : []) {
    if (!isMap(receiver)) continue;
    const configs = receiver.get('webhook_configs', true);
    for (const config of isSeq(configs) ? configs.items : []) {
      if (!isMap(config)) continue;
      webhooks++;
      const url = config.get('url', true);
      // url_file: the URL is a secret kept elsewhere; nothing to check.
      if (!isScalar(url)) continue;
      if (webhookPath(String(url.value)) === WEBHOOK_PATH) return [];
    }
  }
  return [
    {
      severity: 'warning',
      file,
      message:
        `no webhook_configs url ends in ${WEBHOOK_PATH} (${webhooks} webhook(s) ` +
        'found): Alertmanager sends no scaling alert to the alertscale receiver',
      fix:
        `add a receiver with url http://${receiverListen}${WEBHOOK_PATH} and route ` +
        'alerts with pool and scale labels to it (see alertmanager/alertmanager.yml)',
    },
  ];
}

function webhookPath(url: string): string | undefined {
  try {
    return new URL(url).pathname.replace(/\/+$/, '');
  } catch {
    return undefined;
  }
}
