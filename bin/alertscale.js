#!/usr/bin/env node
// The CLI runs from TypeScript source through tsx: no build step between a clone and a running stack.
import { register } from 'tsx/esm/api';
register();
await import('../src/cli/main.ts');
