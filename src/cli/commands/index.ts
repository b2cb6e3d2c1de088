import type { Command } from 'commander';
import { registerAudit } from './audit.js';
import { registerCheck } from './check.js';
import { registerDemo } from './demo.js';
import { registerExporter } from './exporter.js';
import { registerPause } from './pause.js';
import { registerReceiver } from './receiver.js';
import { registerReplay } from './replay.js';
import { registerResume } from './resume.js';
import { registerScale } from './scale.js';
import { registerStack } from './stack.js';
import { registerStatus } from './status.js';
import { registerStress } from './stress.js';
import { registerTop } from './top.js';
import { registerWhy } from './why.js';
import { registerWorker } from './worker.js';
import { registerWorkers } from './workers.js';

/** Every subcommand, one module each. */
export function registerCommands(program: Command): void {
  registerCheck(program);
  registerExporter(program);
  registerReceiver(program);
  registerStack(program);
  registerWorker(program);
  registerStress(program);
  registerDemo(program);
  // Operating: what the pools do, why, and the operator's hands on them.
  registerStatus(program);
  registerTop(program);
  registerWorkers(program);
  registerAudit(program);
  registerWhy(program);
  registerReplay(program);
  registerScale(program);
  registerPause(program);
  registerResume(program);
}
