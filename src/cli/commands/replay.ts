import { writeFileSync } from 'node:fs';
import type { Command } from 'commander';
import { parsePrometheusDuration } from '../../config/index.js';
import { checkTimeArg, parseDurationArg, parseTimeArg } from '../client/args.js';
import { oneLineUsage, withJson } from '../client/options.js';
import { loadConfigForCommand } from '../config.js';
import { withConfig } from '../options.js';
import { printLines, stdoutStyle } from '../render/terminal.js';
import { replayChart } from '../../replay/chart.js';
import { renderReplay, replayJson } from '../../replay/render.js';
import { runReplay } from '../../replay/run.js';

interface ReplayOptions {
  config: string;
  pool: string[];
  from: string;
  to: string;
  rules?: string[];
  prometheus: string;
  alertmanagerConfig?: string;
  json?: boolean;
  chart?: string;
  decisionLatency?: number;
  commandDuration?: number;
}

const collect = (value: string, previous: string[] = []) => [...previous, value];
/** A duration that may be 0 ("take it as instant"). */
const delayArg = (text: string) => (parsePrometheusDuration(text.trim()) === 0 ? 0 : parseDurationArg(text));

export function registerReplay(program: Command): void {
  withJson(oneLineUsage(withConfig(program.command('replay'))))
    .description(
      'what the scaling rules would have done over past Prometheus data: alert states, ' +
        "Alertmanager delivery and the receiver's decisions, replayed (open loop)",
    )
    .option('-p, --pool <pool>', 'replay this pool (repeatable; default: every pool of alertscale.yml)', collect, [])
    .option('--from <time>', 'start of the window: 24h (ago), 14:03 (today), RFC 3339 or unix seconds', checkTimeArg, '24h')
    .option('--to <time>', 'end of the window (same forms, or now)', (t: string) => (t === 'now' ? t : checkTimeArg(t)), 'now')
    .option('--rules <file...>', 'rule files to replay (default: the files Prometheus loads, else prometheus/rules/alerts.yml)')
    .option('--prometheus <url>', 'Prometheus holding the window', 'http://127.0.0.1:9090')
    .option(
      '--alertmanager-config <file>',
      'Alertmanager config for routing and timings (default: ' +
        'the one Alertmanager at alertmanager.url runs, else alertmanager/alertmanager.yml)',
    )
    .option('--chart <file.svg>', 'also write an SVG of replayed replicas, real processes and waiting jobs')
    .option(
      '--decision-latency <duration>',
      "how long the receiver takes to decide a notification (default: Alertmanager's mean wait for the webhook's answer in the window)",
      delayArg,
    )
    .option(
      '--command-duration <duration>',
      "how long a pool's scale command runs; cooldowns count from its end (default: " +
        "the pool's mean alertscale_executor_duration_seconds in the window)",
      delayArg,
    )
    .addHelpText(
      'after',
      "\nReplay evaluates each scaling rule with one query_range at its group's evaluation interval, runs\n" +
        "Prometheus' alert state machine (for, keep_firing_for), Alertmanager's grouping, timings,\n" +
        "inhibition and silences, and feeds every notification to the receiver's policy, starting from\n" +
        "the pool's real size at --from, at the instants the receiver would decide them (after its\n" +
        "decision time and any command still running; cooldowns count from a command's end). It is open\n" +
        'loop: the metrics are what really happened, so a replayed scale-up does not shorten the\n' +
        'replayed queue.\n' +
        '\nExamples:\n  alertscale replay --pool demo --from 1h\n' +
        '  alertscale replay --from 24h --rules prometheus/rules/alerts.yml --chart replay.svg\n' +
        '  alertscale replay --pool demo --from 2026-11-23T08:00:00Z --to 2026-11-23T12:00:00Z --json',
    )
    .action(async (opts: ReplayOptions) => {
      const config = loadConfigForCommand(opts.config);
      if (!config) return;
      const now = Date.now();
      const result = await runReplay({
        config,
        configFile: opts.config,
        pools: opts.pool,
        from: parseTimeArg(opts.from, now),
        to: opts.to === 'now' ? now : parseTimeArg(opts.to, now),
        now,
        ...(opts.rules ? { ruleFiles: opts.rules } : {}),
        prometheusUrl: opts.prometheus,
        ...(opts.alertmanagerConfig ? { alertmanagerConfig: opts.alertmanagerConfig } : {}),
        ...(opts.decisionLatency !== undefined ? { decisionLatencyMs: opts.decisionLatency } : {}),
        ...(opts.commandDuration !== undefined ? { commandDurationMs: opts.commandDuration } : {}),
      });
      if (opts.chart) writeFileSync(opts.chart, replayChart(result.pools, result));
      if (opts.json) process.stdout.write(`${JSON.stringify(replayJson(result), null, 2)}\n`);
      else printLines(renderReplay(result, { now, ...stdoutStyle() }));
    });
}
