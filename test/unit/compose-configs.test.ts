/**
 * docker/prometheus.yml and docker/alertmanager.yml are the demo overlays of the production
 * configs (prometheus/demo.ts, alertmanager/demo.ts) with compose service names and container
 * paths. They are committed so `docker compose up` needs no render step; this test keeps them
 * equal to what the renderers produce. After editing prometheus/prometheus.yml or
 * alertmanager/alertmanager.yml, refresh them with:
 *
 *   npx vitest run test/unit/compose-configs.test.ts -u
 */
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { renderDemoAlertmanager } from '../../alertmanager/demo.js';
import { DEMO_PROMETHEUS_FLAGS, renderDemoPrometheus } from '../../prometheus/demo.js';
import { loadConfig } from '../../src/config/index.js';
import { readFileSync } from 'node:fs';

const HEADER = (file: string) =>
  `# ${file}: the demo overlay with docker compose service names and container paths.\n` +
  '# Regenerate: npx vitest run test/unit/compose-configs.test.ts -u\n';

/** Where docker-compose.yml mounts things inside the containers. */
export const COMPOSE_PATHS = {
  prometheusRules: ['/etc/prometheus/rules/recording.yml', '/etc/prometheus/rules-demo/demo.yml'],
  webhookToken: '/run/alertscale/webhook-token',
} as const;

describe('compose overlays of the Prometheus and Alertmanager configs', () => {
  it('docker/prometheus.yml is renderDemoPrometheus() with compose addresses', async () => {
    const text =
      HEADER('docker/prometheus.yml') +
      renderDemoPrometheus({
        prometheus: 'prometheus:9090',
        exporter: 'exporter:9464',
        receiver: 'receiver:9460',
        alertmanagers: ['alertmanager:9093'],
        ruleFiles: COMPOSE_PATHS.prometheusRules,
      });
    await expect(text).toMatchFileSnapshot('../../docker/prometheus.yml');
  });

  it('docker/alertmanager.yml is renderDemoAlertmanager() with the compose receiver and token volume', async () => {
    const text =
      HEADER('docker/alertmanager.yml') +
      renderDemoAlertmanager({ webhookUrl: 'http://receiver:9460/v1/alertmanager', credentialsFile: COMPOSE_PATHS.webhookToken });
    await expect(text).toMatchFileSnapshot('../../docker/alertmanager.yml');
  });

  it('the compose alertscale.yml uses the token path Alertmanager reads and the compose addresses', () => {
    const config = loadConfig('docker/alertscale.compose.yml');
    expect(config.receiver.tokenFile).toBe(COMPOSE_PATHS.webhookToken);
    expect(config.redis.url).toBe('redis://redis:6379/0');
    expect(config.alertmanager.url).toBe('http://alertmanager:9093');
    expect(config.receiver.listen).toBe('0.0.0.0:9460');
    expect(config.exporter.listen).toBe('0.0.0.0:9464');
    const am = parse(readFileSync('docker/alertmanager.yml', 'utf8')) as {
      receivers: { name: string; webhook_configs?: { url: string; http_config: { authorization: { credentials_file: string } } }[] }[];
    };
    const hook = am.receivers.find((r) => r.webhook_configs)?.webhook_configs?.[0];
    expect(hook?.http_config.authorization.credentials_file).toBe(config.receiver.tokenFile);
    expect(new URL(hook?.url ?? '').port).toBe(config.receiver.listen.split(':')[1]);
  });

  it('docker-compose.yml passes the demo Prometheus flags', () => {
    const compose = parse(readFileSync('docker-compose.yml', 'utf8')) as { services: Record<string, { command?: string[] }> };
    for (const flag of DEMO_PROMETHEUS_FLAGS) expect(compose.services.prometheus?.command).toContain(flag);
  });
});
