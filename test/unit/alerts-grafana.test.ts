/** Grafana-managed alerts (`"version": "1"`): the documented body, adapted to carry pool/scale. */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { classifyAlert, grafanaWebhookSchema, webhookSchema } from '../../src/alerts/index.js';

const fixture = JSON.parse(readFileSync(new URL('../fixtures/grafana-webhook.json', import.meta.url), 'utf8')) as Record<string, any>;

describe('webhookSchema reads Grafana\'s version "1" body', () => {
  it('parses the documented body: alerts as v4, extra fields kept at the top, per-alert extras ignored', () => {
    const payload = webhookSchema.parse(fixture);
    expect(payload).toMatchObject({
      version: '1',
      status: 'firing',
      receiver: 'alertscale',
      orgId: 1,
      title: '[FIRING:2]  (blue)',
      state: 'alerting',
    });
    expect(payload.alerts).toHaveLength(2);
    expect(payload.alerts[0]).toEqual({
      status: 'firing',
      labels: { alertname: 'High memory usage', team: 'blue', zone: 'us-1', pool: 'demo', scale: 'up' },
      annotations: expect.objectContaining({ target: '3' }),
      startsAt: '2021-10-12T09:51:03.157076+02:00',
      endsAt: '0001-01-01T00:00:00Z',
      generatorURL: 'https://play.grafana.org/alerting/1afz29v7z/edit',
      fingerprint: 'c6eadffa33fcdf37',
    });
  });

  it('the same contract: the first alert is a scaling signal (pool demo, up, target 3), the second is other', () => {
    const [first, second] = webhookSchema.parse(fixture).alerts;
    expect(classifyAlert(first!)).toMatchObject({ kind: 'signal', signal: { pool: 'demo', scale: 'up', target: 3 } });
    expect(classifyAlert(second!)).toMatchObject({ kind: 'other' });
  });

  it.each([
    [
      'no values (a resolved alert)',
      (b: any) => {
        delete b.alerts[0].values;
      },
    ],
    [
      'values null',
      (b: any) => {
        b.alerts[0].values = null;
      },
    ],
    [
      'valueString instead of values (Grafana 9)',
      (b: any) => {
        delete b.alerts[0].values;
        b.alerts[0].valueString = "[ metric='' labels={} value=1 ]";
      },
    ],
    [
      'no title, state, message',
      (b: any) => {
        delete b.title;
        delete b.state;
        delete b.message;
      },
    ],
  ])('accepts %s', (_what, edit) => {
    const body = structuredClone(fixture);
    edit(body);
    expect(webhookSchema.safeParse(body).success).toBe(true);
  });

  it.each([
    [
      'orgId as a string',
      (b: any) => {
        b.orgId = '1';
      },
      'orgId',
    ],
    [
      'no alerts',
      (b: any) => {
        delete b.alerts;
      },
      'alerts',
    ],
    [
      'a startsAt that is not a time',
      (b: any) => {
        b.alerts[0].startsAt = 'soon';
      },
      'alerts.0.startsAt',
    ],
  ])('refuses %s, naming the field', (_what, edit, path) => {
    const body = structuredClone(fixture);
    edit(body);
    const result = grafanaWebhookSchema.safeParse(body);
    expect(result.success).toBe(false);
    expect(result.error!.issues.map((i) => i.path.join('.'))).toContain(path);
    expect(webhookSchema.safeParse(body).success).toBe(false);
  });

  it('names both supported versions when the version is neither', () => {
    const result = webhookSchema.safeParse({ ...fixture, version: '2' });
    expect(result.error!.issues[0]!.message).toBe(
      'only Alertmanager webhook version "4" (or "1" from Grafana-managed alerts) is supported',
    );
  });
});
