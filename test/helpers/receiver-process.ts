import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { notification } from './receiver.js';
import { freePort, waitFor } from './ports.js';

const BIN = join(import.meta.dirname, '../../bin/alertscale.js');

/** `alertscale receiver` as a real process (real signals reach it), on a free loopback port, once its Redis answers. */
export interface ReceiverProcess {
  url: string;
  child: ChildProcess;
  /** stdout and stderr so far (JSON log lines). */
  output(): string;
  /** Resolves when it exits. */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

export async function startReceiverProcess(config: string): Promise<ReceiverProcess> {
  const port = await freePort();
  const child = spawn(process.execPath, [BIN, 'receiver', '--config', config, '--listen', `127.0.0.1:${port}`], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout!.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (output += d.toString()));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal })),
  );
  const url = `http://127.0.0.1:${port}`;
  try {
    // Ready, not only up: a webhook before its Redis connection is 503 state_unavailable.
    await waitFor(
      'receiver /readyz',
      async () => {
        if (child.exitCode !== null) throw new Error(`receiver exited ${child.exitCode}: ${output.slice(-500)}`);
        return (await fetch(`${url}/readyz`).catch(() => undefined))?.ok ?? false;
      },
      30_000,
      50,
    );
  } catch (err) {
    child.kill('SIGKILL');
    throw err;
  }
  return { url, child, output: () => output, exited };
}

/** SIGKILL, and wait until it is gone. */
export async function killProcess(rx: ReceiverProcess): Promise<void> {
  if (rx.child.exitCode === null && rx.child.signalCode === null) rx.child.kill('SIGKILL');
  await rx.exited;
}

let n = 0;
/** A step-up firing for `pool` that no earlier notification has seen (its own fingerprint and startsAt). */
export async function postStepUp(url: string, pool: string, step = 1): Promise<{ status: number; body: any }> {
  n++;
  const body = notification({
    pool,
    annotations: { step: String(step) },
    fingerprint: `p${process.pid.toString(16)}${n.toString(16).padStart(10, '0')}`,
    startsAt: new Date(Date.now() - 1000 - n).toISOString(),
  });
  const res = await fetch(`${url}/v1/alertmanager`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  return { status: res.status, body: await res.json() };
}

/** A file's lines (none when it does not exist). */
export const fileLines = (file: string) => (existsSync(file) ? readFileSync(file, 'utf8').trim().split('\n').filter(Boolean) : []);
