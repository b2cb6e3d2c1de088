import type { Command } from 'commander';

type Register = (program: Command) => void;

interface CommandEntry {
  name: string;
  /** The line of the root `--help` list; the command's own `--help` prints its full description. */
  summary: string;
  load: () => Promise<Register>;
}

/**
 * Every subcommand, one module each, loaded only when it runs: importing them all (zod, ioredis,
 * bullmq…) cost most of a root `--help`. The root help lists them from this table.
 */
export const COMMANDS: readonly CommandEntry[] = [
  {
    name: 'check',
    summary: 'validate the config, rules and routes, and cross-check them',
    load: async () => (await import('./check.js')).registerCheck,
  },
  {
    name: 'exporter',
    summary: 'serve host, pool, queue and heartbeat metrics for Prometheus',
    load: async () => (await import('./exporter.js')).registerExporter,
  },
  {
    name: 'receiver',
    summary: 'serve the Alertmanager webhook and the pools/audit API',
    load: async () => (await import('./receiver.js')).registerReceiver,
  },
  { name: 'stack', summary: 'run the whole loop locally (Ctrl-C stops all)', load: async () => (await import('./stack.js')).registerStack },
  { name: 'worker', summary: 'run one demo worker in the foreground', load: async () => (await import('./worker.js')).registerWorker },
  {
    name: 'stress',
    summary: 'enqueue demo jobs, or send HTTP load to the web pool',
    load: async () => (await import('./stress.js')).registerStress,
  },
  {
    name: 'demo',
    summary: 'start the stack, put load on it and narrate the scaling',
    load: async () => (await import('./demo.js')).registerDemo,
  },
  // Operating: what the pools do, why, and the operator's hands on them.
  {
    name: 'status',
    summary: 'a table of pools: replicas, bounds, workers, last decision',
    load: async () => (await import('./status.js')).registerStatus,
  },
  { name: 'top', summary: 'a live dashboard of the pools (q quits)', load: async () => (await import('./top.js')).registerTop },
  {
    name: 'workers',
    summary: "a pool's workers: idle or busy, job, CPU, memory",
    load: async () => (await import('./workers.js')).registerWorkers,
  },
  { name: 'audit', summary: 'the decision log; --follow for new decisions', load: async () => (await import('./audit.js')).registerAudit },
  { name: 'why', summary: "explain a pool's decisions around a time", load: async () => (await import('./why.js')).registerWhy },
  {
    name: 'replay',
    summary: 'what the rules would have done over past Prometheus data',
    load: async () => (await import('./replay.js')).registerReplay,
  },
  {
    name: 'scale',
    summary: 'scale a pool by hand, within its bounds, audited',
    load: async () => (await import('./scale.js')).registerScale,
  },
  { name: 'pause', summary: 'stop automatic scaling of a pool for a while', load: async () => (await import('./pause.js')).registerPause },
  { name: 'resume', summary: 'end a pause', load: async () => (await import('./resume.js')).registerResume },
];

/**
 * Registers every command in table order: fully (its module loaded) when `load` says so, else as a
 * name and summary, which is all the root help and commander's unknown-command suggestion need.
 */
export async function registerCommands(program: Command, load: (name: string) => boolean = () => true): Promise<void> {
  for (const entry of COMMANDS) {
    if (load(entry.name)) (await entry.load())(program);
    else program.command(entry.name);
    program.commands.at(-1)?.summary(entry.summary);
  }
}
