import type { Command } from 'commander';
import { registerCheck } from './check.js';

/** Every subcommand, one module each. */
export function registerCommands(program: Command): void {
  registerCheck(program);
}
