import type { Command } from 'commander';
import { checkTimeArg, parseLimitArg, parseOutcomeArg, parseTimeArg } from '../client/args.js';
import { fetchAudit, followState, pollAudit } from '../client/audit-follow.js';
import { resolveContext, type ApiOptions } from '../client/context.js';
import { CliError } from '../client/errors.js';
import { timeParam } from '../client/http.js';
import { durationOption, withApi, withJson } from '../client/options.js';
import { AUDIT_STREAM_WIDTHS, renderAudit, renderAuditRows } from '../render/audit.js';
import { printLines, stdoutStyle } from '../render/terminal.js';

interface AuditOptions extends ApiOptions {
  pool?: string;
  outcome?: string;
  since?: string;
  until?: string;
  limit: number;
  follow?: boolean;
  interval: number;
  json?: boolean;
  wide?: boolean;
}

export function registerAudit(program: Command): void {
  withJson(withApi(program.command('audit')))
    .description('the decision log, newest first; --follow prints new decisions as they happen (oldest first) until Ctrl-C')
    .option('-p, --pool <pool>', 'only this pool')
    .option(
      '-o, --outcome <outcome>',
      'only this outcome (scaled, no_change, at_max, at_min, cooldown, dry_run, paused, failed, rejected)',
      parseOutcomeArg,
    )
    .option('--since <time>', 'from this time: 1h (ago), 14:03 (today), RFC 3339 or unix seconds', checkTimeArg)
    .option('--until <time>', 'up to this time (same forms as --since)', checkTimeArg)
    .option('-n, --limit <n>', 'at most this many entries (the newest)', parseLimitArg(100_000), 20)
    .option('-w, --wide', 'do not cut reasons to the terminal width')
    .option('-f, --follow', 'keep polling and print new decisions, and commands that finish, as they come')
    .addOption(durationOption('--interval <duration>', 'how often --follow polls', '1s'))
    .addHelpText(
      'after',
      '\nExamples:\n  alertscale audit --pool demo --since 1h\n  alertscale audit --outcome failed --json\n  alertscale audit -f',
    )
    .action(async (opts: AuditOptions, command: Command) => {
      if (opts.follow && opts.until)
        command.error('error: --until cannot be used with --follow (a followed log has no end)', { exitCode: 2, code: 'commander.usage' });
      const ctx = resolveContext(opts);
      const now = Date.now();
      const sinceMs = opts.since ? parseTimeArg(opts.since, now) : undefined;
      const filter = { pool: opts.pool, outcome: opts.outcome };
      const entries = await fetchAudit(
        ctx.api,
        {
          ...filter,
          since: sinceMs === undefined ? undefined : timeParam(sinceMs),
          until: opts.until ? timeParam(parseTimeArg(opts.until, now)) : undefined,
        },
        opts.limit,
      );
      const { width: screen, style } = stdoutStyle();
      const width = opts.wide ? Infinity : screen;
      if (!opts.follow) {
        if (opts.json) process.stdout.write(`${JSON.stringify({ entries }, null, 2)}\n`);
        else if (entries.length === 0) process.stdout.write(`no decisions match${describeFilter(opts)}\n`);
        else printLines(renderAudit(entries, { now, width, style }).lines);
        return;
      }

      // Followed: oldest first, as a log reads; JSON as one entry per line.
      const initial = [...entries].reverse();
      let widths = AUDIT_STREAM_WIDTHS;
      if (opts.json) for (const e of initial) process.stdout.write(`${JSON.stringify(e)}\n`);
      else {
        const table = renderAudit(initial, { now, width, style, atLeast: AUDIT_STREAM_WIDTHS });
        widths = table.widths;
        printLines(table.lines);
      }
      const state = followState(initial, sinceMs);
      await followUntilSignal(opts.interval, async () => {
        const fresh = await pollAudit(ctx.api, filter, state);
        if (opts.json) for (const e of fresh) process.stdout.write(`${JSON.stringify(e)}\n`);
        else printLines(renderAuditRows(fresh, widths, { now: Date.now(), style }));
      });
    });
}

function describeFilter(opts: AuditOptions): string {
  const parts = [
    opts.pool && `pool ${opts.pool}`,
    opts.outcome && `outcome ${opts.outcome}`,
    opts.since && `since ${opts.since}`,
    opts.until && `until ${opts.until}`,
  ].filter(Boolean);
  return parts.length > 0 ? ` (${parts.join(', ')})` : ' (the log is empty)';
}

/**
 * Run `poll` every `intervalMs` until SIGINT/SIGTERM. A receiver that goes away is reported once
 * on stderr and polled again; the follow ends only when the operator ends it.
 */
async function followUntilSignal(intervalMs: number, poll: () => Promise<void>): Promise<void> {
  let stopped = false;
  let wake: () => void = () => undefined;
  let timer: NodeJS.Timeout | undefined;
  const stop = () => {
    stopped = true;
    // Ctrl-C ends the wait at once; the pending timer would otherwise hold the process open.
    clearTimeout(timer);
    wake();
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  let failing: string | undefined;
  while (!stopped) {
    await new Promise<void>((resolve) => {
      wake = resolve;
      timer = setTimeout(resolve, intervalMs);
    });
    if (stopped) break;
    try {
      await poll();
      if (failing) process.stderr.write('alertscale: the receiver answers again; following\n');
      failing = undefined;
    } catch (err) {
      if (!(err instanceof CliError)) throw err;
      if (failing !== err.message) process.stderr.write(`alertscale: ${err.message} (still following; Ctrl-C to stop)\n`);
      failing = err.message;
    }
  }
  process.off('SIGINT', stop);
  process.off('SIGTERM', stop);
}
