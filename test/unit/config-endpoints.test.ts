import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadEndpoints } from '../../src/config/endpoints.js';
import { ConfigError, loadConfig } from '../../src/config/index.js';
import { REPO_ROOT } from '../../src/repo-root.js';

const dir = mkdtempSync(join(tmpdir(), 'alertscale-endpoints-test-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

let n = 0;
function fileWith(text: string): string {
  const file = join(dir, `c${++n}.yml`);
  writeFileSync(file, text);
  return file;
}

function problemsOf(text: string) {
  try {
    loadEndpoints(fileWith(text));
  } catch (err) {
    if (err instanceof ConfigError) return err.problems.map((p) => ({ path: p.path, message: p.message, line: p.line }));
    throw err;
  }
  throw new Error('expected a ConfigError');
}

describe('loadEndpoints: the keys an operator command reads, without the schema', () => {
  it.each(['alertscale.yml', 'examples/one-host/alertscale.yml'])('reads %s as the full schema does', (name) => {
    const file = join(REPO_ROOT, name);
    const full = loadConfig(file);
    const { receiver, exporter, alertmanager } = loadEndpoints(file);
    expect(receiver).toEqual({ listen: full.receiver.listen, tokenFile: full.receiver.tokenFile, tokenEnv: full.receiver.tokenEnv });
    expect(exporter).toEqual(full.exporter);
    expect(alertmanager).toEqual(full.alertmanager);
  });

  it("takes the schema's defaults, and a tokenFile relative to the file", () => {
    const file = fileWith('receiver: { tokenFile: secrets/token }\npools: {}\n');
    const full = loadConfig(file);
    expect(loadEndpoints(file)).toEqual({
      receiver: { listen: full.receiver.listen, tokenFile: join(dir, 'secrets/token') },
      exporter: full.exporter,
      alertmanager: full.alertmanager,
    });
  });

  it('names each wrong key with its line', () => {
    expect(problemsOf('receiver:\n  listen: "nope"\nexporter:\n  listen: 9464\n')).toEqual([
      { path: 'receiver.listen', message: 'write host:port, e.g. 127.0.0.1:9460', line: 2 },
      { path: 'exporter.listen', message: 'expected a string, got number', line: 4 },
    ]);
    expect(problemsOf('receiver: [a, b]\nalertmanager: { url: "not a url" }\n')).toEqual([
      { path: 'receiver', message: 'expected a mapping', line: 1 },
      { path: 'alertmanager.url', message: 'not a URL: "not a url"', line: 2 },
    ]);
    expect(problemsOf('receiver:\n  tokenFile: t\n  tokenEnv: T\n')).toEqual([
      { path: 'receiver', message: 'set tokenFile or tokenEnv, not both', line: 2 },
    ]);
    expect(problemsOf('receiver: {listen: [\n')[0]).toMatchObject({ path: '', message: expect.stringMatching(/^YAML syntax/) });
  });
});
