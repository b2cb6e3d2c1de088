import { execa } from 'execa';
import { describe, expect, it } from 'vitest';
import { checkDashboardQueries, formatProblems } from '../../src/dashboards/check.js';
import { DASHBOARDS_DIR } from '../../src/dashboards/generate.js';
import { createExecutor } from '../../src/executors/index.js';
import { runCli } from '../integration/cli-helpers.js';
import { waitFor } from '../helpers/ports.js';
import { useTestStack } from './stack-helpers.js';

// The web pool, for real: HTTP load on the WSGI app under Debian's gunicorn → its p95 in Prometheus
// (summed over workers by the master) → the demo web rules → Alertmanager → receiver → TTIN/TTOU.
const { stack, call } = useTestStack({});
const startedAt = Date.now();

/** Workers gunicorn runs now (children of the master, through the pool's own executor probe). */
const gunicornWorkers = () => createExecutor('web', stack.config.pools.web!.executor).current!();
const replicas = async () => (await call('/v1/pools/web')).body.replicas as number;
/** One instant query's single value, or undefined when it returns nothing (or NaN). */
async function promValue(expr: string): Promise<number | undefined> {
  const res = (await (await fetch(`${stack.urls.prometheus}/api/v1/query?query=${encodeURIComponent(expr)}`)).json()) as any;
  const value = Number(res.data.result[0]?.value[1]);
  return Number.isFinite(value) ? value : undefined;
}
const P95 = 'histogram_quantile(0.95, sum by (pool, le) (rate(demo_web_request_duration_seconds_bucket{pool="web"}[10s])))';

describe('the web pool on latency', () => {
  it('HTTP load raises p95, the pool grows by TTIN; load stops, it shrinks back to min by TTOU', async () => {
    const { min } = stack.config.pools.web!;
    expect(min).toBe(2);
    expect(await gunicornWorkers()).toBe(min);
    await waitFor(
      'Prometheus to see the web pool at rest',
      async () => (await promValue('sum(demo_web_workers{pool="web"})')) === min,
      20_000,
      250,
    );

    // 25 requests/s of 200 ms each: 5 busy workers' worth, on 2. They queue in gunicorn's backlog.
    const loadStart = Date.now();
    const load = runCli(['stress', '--url', `${stack.urls.web}/work`, '-n', '500', '--rate', '25', '--job-ms', '200']);
    let peakP95 = 0;
    await waitFor('p95 above 500 ms', async () => (peakP95 = Math.max(peakP95, (await promValue(P95)) ?? 0)) > 0.5, 30_000, 250);
    await waitFor('a scale-up executed by the receiver', async () => (await replicas()) > min, 45_000, 250);
    const reactionMs = Date.now() - loadStart;
    await waitFor('gunicorn to run more workers', async () => (await gunicornWorkers()) > min, 10_000, 100);
    let peakWorkers = 0;
    const sampler = setInterval(
      () =>
        void gunicornWorkers().then(
          (n) => (peakWorkers = Math.max(peakWorkers, n)),
          () => undefined,
        ),
      250,
    );
    const stress = await load.finally(() => clearInterval(sampler));
    expect(stress.code, stress.stderr).toBe(0);
    // Every request was answered: the pool grew instead of failing requests.
    expect(stress.stdout).toMatch(/sent 500 request\(s\) of 200 ms/);
    expect(stress.stdout).toMatch(/answered 500 ok, 0 5xx; 0 without an answer; 0 skipped/);

    await waitFor('the pool back at min', async () => (await replicas()) === min && (await gunicornWorkers()) === min, 60_000, 250);
    await waitFor(
      'Prometheus to count min workers again',
      async () => (await promValue('sum(demo_web_workers{pool="web"})')) === min,
      10_000,
      250,
    );

    const { body } = await call('/v1/audit?pool=web&outcome=scaled&limit=50');
    const scaled = body.entries.map((e: any) => ({
      scale: e.scale,
      alerts: e.alerts.map((a: any) => a.alertname),
      actor: e.actor,
      argv: e.argv,
    }));
    const ups = scaled.filter((e: any) => e.scale === 'up');
    const downs = scaled.filter((e: any) => e.scale === 'down');
    expect(ups.length).toBeGreaterThan(0);
    for (const up of ups) {
      expect(up.actor).toBe('alertmanager');
      expect(up.argv).toEqual(['kill', '-TTIN', expect.stringMatching(/^\d+$/)]);
      expect(
        up.alerts.every((a: string) => ['WebLatencyHigh', 'WebUtilizationHigh'].includes(a)),
        JSON.stringify(up.alerts),
      ).toBe(true);
    }
    expect(downs.length).toBeGreaterThan(0);
    for (const down of downs)
      expect(down).toMatchObject({ alerts: ['WebPoolIdle'], actor: 'alertmanager', argv: ['kill', '-TTOU', expect.any(String)] });
    expect(peakP95).toBeGreaterThan(0.5);
    expect(reactionMs).toBeLessThan(45_000);
    console.log(
      `web pool: p95 peak ${peakP95.toFixed(2)} s, first scale-up ${(reactionMs / 1000).toFixed(1)} s after load, ` +
        `${ups.length} up / ${downs.length} down, peak ${peakWorkers} workers`,
    );
  }, 150_000);

  it('the summed exposition the master serves passes promtool check metrics', async () => {
    const text = await (await fetch(`${stack.urls.webMetrics}/metrics`)).text();
    expect(text).toMatch(/^demo_web_request_duration_seconds_count\{route="work"\} [1-9]/m);
    const check = await execa('promtool', ['check', 'metrics'], { input: text, reject: false, all: true });
    expect(check.exitCode, check.all).toBe(0);
    expect(check.all).toBe('');
  });

  it('every dashboard query, the web row included, returns data from the live stack', async () => {
    const problems = await checkDashboardQueries(stack.urls.prometheus, DASHBOARDS_DIR, {
      lookbackSeconds: Math.ceil((Date.now() - startedAt) / 1000) + 30,
      // The demo queue is a plain list: its jobs carry no timestamp, so there is no oldest-job age.
      allowEmpty: ['alertscale_queue_oldest_job_age_seconds'],
    });
    expect(problems, formatProblems(problems)).toEqual([]);
  }, 60_000);
});
