import type { Command } from 'commander';
import { registerCheck } from './check.js';
import { registerExporter } from './exporter.js';
import { registerReceiver } from './receiver.js';
import { registerStack } from './stack.js';
import { registerStress } from './stress.js';
import { registerWorker } from './worker.js';

/** Every subcommand, one module each. */
export function registerCommands(program: Command): void {
  registerCheck(program);
  registerExporter(program);
  registerReceiver(program);
  registerStack(program);
  registerWorker(program);
  registerStress(program);
}
