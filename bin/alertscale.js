#!/usr/bin/env node
// The CLI runs the JavaScript `npm run build` compiles into dist/ (`npm ci` builds it through the
// `prepare` script): compiling TypeScript at every start-up cost most of a second per command.
// Source maps make a stack trace name the .ts file and line.
import { existsSync } from 'node:fs';

const main = new URL('../dist/src/cli/main.js', import.meta.url);
if (!existsSync(main)) {
  process.stderr.write('alertscale: dist/ is not built: run `npm run build` (`npm ci` runs it)\n');
  process.exit(1);
}
process.setSourceMapsEnabled(true);
await import(main.href);
