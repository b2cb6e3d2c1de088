/**
 * Grafana-managed alerts through the real receiver app on a real Redis: the documented Grafana
 * webhook body (version "1") on POST /v1/alertmanager scales exactly as a v4 body does; and pause
 * through an Alertmanager-compatible API under a path prefix — Grafana serves it under
 * /api/alertmanager/grafana/api/v2/... — tested with a real Alertmanager run with that
 * `--web.route-prefix` (no Grafana server exists here).
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { useTestReceiver } from '../helpers/receiver.js';

const PREFIX = '/api/alertmanager/grafana';
const fixture = () => JSON.parse(readFileSync(new URL('../fixtures/grafana-webhook.json', import.meta.url), 'utf8'));

const { am, rx, lines } = useTestReceiver(
  'grafana',
  (dir) => `redis: { url: REDIS_URL }
pools:
  demo:
    min: 1
    max: 10
    cooldown: { up: 0s, down: 0s }
    executor: { kind: command, scale: ["sh", "-c", "echo \\"$1\\" >> ${dir}/$0", "{pool}", "{replicas}"] }
`,
  { alertmanager: { routePrefix: PREFIX } },
);
const runs = () => lines('demo');

/** The fixture as Grafana would send it now: a firing that started a moment ago. */
function grafanaBody(target: string) {
  const body = fixture();
  const startsAt = new Date(Date.now() - 5_000).toISOString();
  for (const alert of body.alerts) alert.startsAt = startsAt;
  body.alerts[0].annotations.target = target;
  body.alerts[0].fingerprint = `c6eadffa33fcdf${target.padStart(2, '0')}`;
  return body;
}

describe('Grafana webhook (version "1") on POST /v1/alertmanager', () => {
  it('the documented body scales pool demo to its target annotation; the ordinary alert is ignored', async () => {
    const res = await rx.post('/v1/alertmanager', grafanaBody('3'));
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body).toMatchObject({ decisions: [{ pool: 'demo', scale: 'up', outcome: 'scaled', from: 1, to: 3 }], ignoredAlerts: 1 });
    await rx.receiver.idle();
    expect(runs()).toEqual(['3']);
    const audit = (await rx.get(`/v1/audit/${res.body.decisions[0].auditId}`)).body;
    expect(audit).toMatchObject({
      outcome: 'scaled',
      exitCode: 0,
      alerts: [{ alertname: 'High memory usage', generatorURL: 'https://play.grafana.org/alerting/1afz29v7z/edit' }],
    });
  });

  it('bad Grafana input gets the same 422 and runs nothing', async () => {
    const body = grafanaBody('5');
    body.alerts[0].labels.pool = 'demo;touch /tmp/pwned';
    const res = await rx.post('/v1/alertmanager', body);
    expect(res.status).toBe(422);
    expect(res.body.error.code).toBe('invalid_alert');
    await rx.receiver.idle();
    expect(runs()).toEqual(['3']);
  });
});

describe("pause through an Alertmanager API under a path prefix (Grafana's /api/alertmanager/grafana)", () => {
  it('the silence lands under the prefix, the pool shows paused, a Grafana alert for it is audited paused, resume expires it', async () => {
    expect(am.url.endsWith(PREFIX)).toBe(true);
    const pause = await rx.post('/v1/pools/demo/pause', { duration: '10m', comment: 'grafana maintenance' });
    expect(pause.status, JSON.stringify(pause.body)).toBe(201);
    const silences = (await (await fetch(`${am.url}/api/v2/silences`)).json()) as any[];
    expect(silences.find((s) => s.id === pause.body.silenceId)).toMatchObject({
      status: { state: 'active' },
      comment: 'grafana maintenance',
    });
    // Without the prefix the same Alertmanager has no API: the prefix really is in the path.
    expect((await fetch(`${new URL(am.url).origin}/api/v2/silences`)).status).toBe(404);

    expect((await rx.get('/v1/pools/demo')).body).toMatchObject({ paused: { silenceId: pause.body.silenceId }, pausedUnknown: false });
    const res = await rx.post('/v1/alertmanager', grafanaBody('6'));
    expect(res.status).toBe(200);
    expect(res.body.decisions).toMatchObject([{ pool: 'demo', outcome: 'paused' }]);
    await rx.receiver.idle();
    expect(runs()).toEqual(['3']);

    const resume = await rx.delete('/v1/pools/demo/pause');
    expect(resume.status, JSON.stringify(resume.body)).toBe(200);
    const after = (await (await fetch(`${am.url}/api/v2/silences`)).json()) as any[];
    expect(after.find((s) => s.id === pause.body.silenceId).status.state).toBe('expired');
  });
});
