import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { executorSchema } from '../../src/executors/schema.js';
import { createExecutor } from '../../src/executors/index.js';
import { CurrentProbeError } from '../../src/executors/probe.js';
import { runArgv } from '../../src/executors/run.js';
import { waitFor } from '../helpers/ports.js';

const node = process.execPath;
let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'alertscale-exec-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** End the background `sleep` a test script reported as "started PID". */
function killLeftover(output: string): void {
  const pid = Number(/started (\d+)/.exec(output)?.[1]);
  if (pid > 0) process.kill(pid, 'SIGTERM');
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** A command executor for pool `demo` built through the real schema (defaults, validation). */
function commandExecutor(config: Record<string, unknown>) {
  return createExecutor('demo', executorSchema.parse({ kind: 'command', ...config }));
}

describe('command executor with real processes', () => {
  it('runs the filled template and reports success', async () => {
    const file = join(dir, 'replicas.txt');
    const script = 'require("fs").writeFileSync(process.argv[1], process.argv.slice(2).join(" ")); console.log("scaled")';
    const executor = commandExecutor({ scale: [node, '-e', script, file, '{pool}', '{replicas}', '{current}', '{delta}'] });
    const result = await executor.scale({ pool: 'demo', replicas: 5, current: 2 });
    expect(result).toMatchObject({ ok: true, exitCode: 0, timedOut: false });
    expect(result.error).toBeUndefined();
    expect(result.argv.slice(-4)).toEqual(['demo', '5', '2', '+3']);
    expect(result.outputTail).toContain('scaled');
    expect(await readFile(file, 'utf8')).toBe('demo 5 2 +3');
  });

  it('reports a non-zero exit with the end of stdout and stderr', async () => {
    const script = 'console.log("to stdout"); console.error("no such deployment"); process.exit(1)';
    const result = await commandExecutor({ scale: [node, '-e', script] }).scale({ pool: 'demo', replicas: 1, current: 2 });
    expect(result).toMatchObject({ ok: false, exitCode: 1, timedOut: false });
    expect(result.outputTail).toContain('to stdout');
    expect(result.outputTail).toContain('no such deployment');
    expect(result.error).toMatch(/exited with code 1/);
  });

  it('keeps only the last 4 KiB of a long output', async () => {
    const script = 'process.stdout.write("x".repeat(100000) + "THE END")';
    const result = await commandExecutor({ scale: [node, '-e', script] }).scale({ pool: 'demo', replicas: 1, current: 1 });
    expect(result.ok).toBe(true);
    expect(Buffer.byteLength(result.outputTail)).toBeLessThanOrEqual(4096);
    expect(result.outputTail.endsWith('THE END')).toBe(true);
  });

  it('kills a command that runs past its timeout', async () => {
    const result = await commandExecutor({ scale: ['sleep', '30'], timeout: '300ms' }).scale({ pool: 'demo', replicas: 2, current: 1 });
    expect(result).toMatchObject({ ok: false, timedOut: true, exitCode: null });
    expect(result.durationMs).toBeLessThan(2000);
    expect(result.error).toMatch(/timed out after 300 ms/);
  });

  it('SIGKILLs a command that ignores SIGTERM after the grace period', async () => {
    const script = 'process.on("SIGTERM", () => console.log("ignoring SIGTERM")); setInterval(() => {}, 1000); console.log("up")';
    const started = Date.now();
    const result = await runArgv([node, '-e', script], { timeoutMs: 500, graceMs: 300 });
    expect(result).toMatchObject({ ok: false, timedOut: true, exitCode: null });
    expect(result.error).toMatch(/SIGKILL/);
    expect(result.outputTail).toContain('ignoring SIGTERM');
    expect(Date.now() - started).toBeLessThan(3000);
  });

  it('does not wait for a background process that keeps the output open', async () => {
    // `sh -c '… &'` stands in for a scale script that leaves a worker running with inherited stdout.
    const result = await runArgv(['sh', '-c', 'sleep 20 & echo "started $!"; exit 0'], { timeoutMs: 10_000 });
    killLeftover(result.outputTail);
    expect(result).toMatchObject({ ok: true, exitCode: 0, timedOut: false });
    expect(result.durationMs).toBeLessThan(2000);
    expect(result.outputTail).toMatch(/^started \d+\n\[alertscale: stopped reading .* background process/);
  });

  it('bounds a timed-out command even when a background process holds its output', async () => {
    const result = await runArgv(['sh', '-c', 'sleep 20 & echo "started $!"; exec sleep 20'], { timeoutMs: 300, graceMs: 200 });
    killLeftover(result.outputTail);
    expect(result).toMatchObject({ ok: false, timedOut: true });
    expect(result.durationMs).toBeLessThan(2000);
  });

  it('reports a missing binary as a failed result, not an exception', async () => {
    const result = await commandExecutor({ scale: ['alertscale-no-such-program', '{replicas}'] }).scale({
      pool: 'demo',
      replicas: 2,
      current: 1,
    });
    expect(result).toMatchObject({ ok: false, exitCode: null, timedOut: false, argv: ['alertscale-no-such-program', '2'], outputTail: '' });
    expect(result.error).toMatch(/alertscale-no-such-program: command not found \(ENOENT\)/);
  });

  it('reports a file that is not executable as EACCES', async () => {
    const file = join(dir, 'not-executable.sh');
    await writeFile(file, '#!/bin/sh\necho hi\n', { mode: 0o644 });
    const result = await runArgv([file], { timeoutMs: 10_000 });
    expect(result).toMatchObject({ ok: false, exitCode: null, timedOut: false });
    expect(result.error).toBe(`${file}: permission denied (EACCES); is it executable?`);
    expect(result.outputTail).toBe('');
  });

  it('stops a command that prints more than the output bound, and keeps its tail', async () => {
    const script = 'const mb = "x".repeat(1 << 20); for (let i = 0; i < 12; i++) process.stdout.write(mb); setInterval(() => {}, 1000)';
    const result = await runArgv([node, '-e', script], { timeoutMs: 10_000, graceMs: 300 });
    expect(result).toMatchObject({ ok: false, timedOut: false, exitCode: null });
    expect(result.error).toMatch(/printed more than 8388608 bytes and was stopped/);
    expect(result.outputTail).toMatch(/^x{4096}$/);
  });

  it('SIGTERMs a running command when the process that started it exits', async () => {
    const pidFile = join(dir, 'orphan.pid');
    const runner = new URL('../../dist/src/executors/run.js', import.meta.url).href;
    const parent = `import(${JSON.stringify(runner)}).then((m) => {
      m.runArgv(['sh', '-c', 'echo $$ > ${pidFile}; exec sleep 30'], { timeoutMs: 60000 });
      setTimeout(() => process.exit(1), 500);
    })`;
    const exited = await runArgv([node, '-e', parent], { timeoutMs: 10_000 });
    expect(exited).toMatchObject({ exitCode: 1 });
    const pid = Number(await readFile(pidFile, 'utf8'));
    expect(pid).toBeGreaterThan(0);
    try {
      await waitFor(`sleep ${pid} to end`, async () => !alive(pid), 3000, 20);
    } finally {
      if (alive(pid)) process.kill(pid, 'SIGKILL');
    }
  });

  it('merges the configured env over the process environment', async () => {
    const script = 'console.log(process.env.ALERTSCALE_TEST_VAR, typeof process.env.PATH)';
    const result = await commandExecutor({ scale: [node, '-e', script], env: { ALERTSCALE_TEST_VAR: 'from-config' } }).scale({
      pool: 'demo',
      replicas: 1,
      current: 1,
    });
    expect(result.outputTail.trim()).toBe('from-config string');
  });

  it('reads the live count from a current probe and rejects garbage', async () => {
    const good = commandExecutor({ scale: ['true'], current: [node, '-e', 'console.log(" 7 ")', '{pool}'] });
    expect(await good.current!()).toBe(7);
    const bad = commandExecutor({ scale: ['true'], current: [node, '-e', 'console.log("seven")'] });
    await expect(bad.current!()).rejects.toThrow(/pool demo: current probe .*: expected a non-negative integer on stdout, got "seven"/);
    const failing = commandExecutor({ scale: ['true'], current: [node, '-e', 'console.error("boom"); process.exit(2)'] });
    await expect(failing.current!()).rejects.toBeInstanceOf(CurrentProbeError);
    await expect(failing.current!()).rejects.toThrow(/exited with code 2 \(last output: boom\)/);
    expect(commandExecutor({ scale: ['true'] }).current).toBeUndefined();
  });

  it('passes shell metacharacters to the program literally; no shell runs', async () => {
    const marker = join(dir, 'pwned');
    const hostile = [`demo;touch ${marker}`, '$(id)', '`id`', '| cat', '&& touch ' + marker, "'quoted'", '*'];
    const script = 'console.log(JSON.stringify(process.argv.slice(1)))';
    const result = await commandExecutor({ scale: [node, '-e', script, ...hostile] }).scale({ pool: 'demo', replicas: 1, current: 1 });
    expect(result.ok).toBe(true);
    expect(JSON.parse(result.outputTail)).toEqual(hostile);
    await expect(readFile(marker)).rejects.toMatchObject({ code: 'ENOENT' });
  });
});
