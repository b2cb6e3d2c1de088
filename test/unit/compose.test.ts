/**
 * No Docker engine runs here, so docker-compose.yml and the Dockerfile are checked offline:
 * the Compose Specification schema (vendored, test/fixtures/compose-spec.source.md), Debian's
 * docker-compose 1.29 parser, mount sources, CLI subcommands, pinned images, and the invariants
 * the compose executor relies on.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Ajv } from 'ajv';
import { Command } from 'commander';
import { beforeAll, describe, expect, it } from 'vitest';
import { parse, parseDocument } from 'yaml';
import { registerCommands } from '../../src/cli/commands/index.js';
import { loadConfig } from '../../src/config/index.js';
import { PROMETHEUS_UID } from '../../src/dashboards/datasource.js';

const ROOT = resolve(import.meta.dirname, '../..');
const COMPOSE_FILE = join(ROOT, 'docker-compose.yml');
const ALERTSCALE_IMAGE = /^alertscale:/;
/** Host paths outside the repository a service may bind-mount, and why. */
const HOST_MOUNTS: Record<string, string> = {
  '/var/run/docker.sock': 'the receiver scales the demo workers through the Docker engine (compose executor)',
};

type Mount = string | { type: string; source?: string; target: string };
interface Service {
  image?: string;
  build?: string | { context?: string; dockerfile?: string };
  command?: string[] | string;
  entrypoint?: unknown;
  volumes?: Mount[];
  depends_on?: Record<string, { condition: string }> | string[];
  healthcheck?: { test: string[] | string };
  profiles?: string[];
  restart?: string;
}
interface ComposeFile {
  name?: string;
  services: Record<string, Service>;
  volumes?: Record<string, unknown>;
}

const text = readFileSync(COMPOSE_FILE, 'utf8');
// Compose resolves YAML merge keys (<<: *anchor); so must we, before checking anything.
const compose = parseDocument(text, { merge: true }).toJS() as ComposeFile;
const services = Object.entries(compose.services);
const alertscaleServices = services.filter(([, s]) => ALERTSCALE_IMAGE.test(s.image ?? ''));

function bindSources(s: Service): string[] {
  return (s.volumes ?? []).flatMap((v) => {
    if (typeof v === 'string') {
      const source = v.split(':')[0] as string;
      return source.startsWith('.') || source.startsWith('/') ? [source] : [];
    }
    return v.type === 'bind' && v.source ? [v.source] : [];
  });
}

function namedVolumes(s: Service): string[] {
  return (s.volumes ?? []).flatMap((v) => {
    if (typeof v === 'string') {
      const source = v.split(':')[0] as string;
      return v.includes(':') && !source.startsWith('.') && !source.startsWith('/') ? [source] : [];
    }
    return v.type === 'volume' && v.source ? [v.source] : [];
  });
}

function dependencies(s: Service): [string, string][] {
  if (!s.depends_on) return [];
  return Array.isArray(s.depends_on)
    ? s.depends_on.map((d) => [d, 'service_started'])
    : Object.entries(s.depends_on).map(([d, c]) => [d, c.condition]);
}

describe('docker-compose.yml against the Compose Specification schema', () => {
  it('validates (ajv, schema vendored from compose-spec/compose-spec)', () => {
    const schema = JSON.parse(readFileSync(join(ROOT, 'test/fixtures/compose-spec.json'), 'utf8')) as Record<string, unknown>;
    // The spec names the draft-07 meta-schema by an https URL ajv does not ship; the schema itself is draft-07.
    const { $schema: _metaSchema, ...body } = schema;
    const ajv = new Ajv({ allErrors: true, strict: false });
    const validate = ajv.compile(body);
    const ok = validate(compose);
    expect(ok, ajv.errorsText(validate.errors, { separator: '\n' })).toBe(true);
  });

  it('the schema check can fail: an unknown service key is rejected', () => {
    const schema = JSON.parse(readFileSync(join(ROOT, 'test/fixtures/compose-spec.json'), 'utf8')) as Record<string, unknown>;
    const { $schema: _metaSchema, ...body } = schema;
    const validate = new Ajv({ strict: false }).compile(body);
    expect(validate({ services: { a: { image: 'x:1', helthcheck: {} } } })).toBe(false);
  });
});

describe('docker-compose.yml with Debian docker-compose 1.29', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'alertscale-compose-'));
    return () => rmSync(dir, { recursive: true, force: true });
  });

  it('`docker-compose config -q` accepts it once the top-level `name` is removed', () => {
    // docker-compose 1.29 predates the spec's top-level `name` (it answers "'name' does not match
    // any of the regexes: '^x-'"). The spec wins: the receiver's `docker compose -p alertscale`
    // relies on that project name. Everything else must pass the old parser too.
    const doc = parseDocument(text);
    expect(doc.get('name')).toBe('alertscale');
    doc.delete('name');
    const copy = join(dir, 'docker-compose.yml');
    writeFileSync(copy, doc.toString());
    const run = () =>
      execFileSync('docker-compose', ['-f', copy, '--project-directory', ROOT, 'config', '-q'], { encoding: 'utf8', stdio: 'pipe' });
    expect(run).not.toThrow();
  });
});

describe('mounts, images and dependencies', () => {
  it('every bind-mount source exists in the repository (or is an allowed host path)', () => {
    const problems: string[] = [];
    for (const [name, s] of services) {
      for (const source of bindSources(s)) {
        if (source.startsWith('/')) {
          if (!HOST_MOUNTS[source]) problems.push(`${name}: host path ${source} is not in the allowed list`);
        } else if (!existsSync(join(ROOT, source))) problems.push(`${name}: ${source} does not exist`);
      }
    }
    expect(problems).toEqual([]);
    expect(services.flatMap(([, s]) => bindSources(s)).length).toBeGreaterThan(5);
  });

  it('every named volume is declared, every build context and Dockerfile exists', () => {
    for (const [name, s] of services) {
      for (const v of namedVolumes(s)) expect(Object.keys(compose.volumes ?? {}), `${name} uses volume ${v}`).toContain(v);
      if (s.build) {
        const build = typeof s.build === 'string' ? { context: s.build } : s.build;
        const context = join(ROOT, build.context ?? '.');
        expect(statSync(context).isDirectory(), `${name} build context`).toBe(true);
        expect(existsSync(join(context, build.dockerfile ?? 'Dockerfile')), `${name} Dockerfile`).toBe(true);
      }
    }
  });

  it('every image is pinned to a version tag (no `latest`, no bare name)', () => {
    for (const [name, s] of services) {
      expect(s.image, `${name} has an image`).toBeDefined();
      const tag = /:([^/:]+)$/.exec(s.image ?? '')?.[1];
      expect(tag, `${name}: ${s.image}`).toMatch(/^v?\d+\.\d+(\.\d+)?(-[a-z0-9.]+)?$/);
    }
  });

  it('depends_on names real services; waited-on services have a healthcheck or run to completion', () => {
    for (const [name, s] of services) {
      for (const [dep, condition] of dependencies(s)) {
        const target = compose.services[dep];
        expect(target, `${name} depends on ${dep}`).toBeDefined();
        if (condition === 'service_healthy') expect(target?.healthcheck, `${dep} (waited on by ${name}) has a healthcheck`).toBeDefined();
        if (condition === 'service_completed_successfully') expect(target?.restart ?? 'no', `${dep} runs once`).toBe('no');
      }
    }
  });

  it('every long-running service has a healthcheck, except the workers (no port to ask)', () => {
    const exempt = new Set(['worker', 'token-init', 'load']);
    for (const [name, s] of services) if (!exempt.has(name)) expect(s.healthcheck, name).toBeDefined();
  });
});

const program = new Command('alertscale');
await registerCommands(program);

describe('alertscale services run real CLI subcommands', () => {
  const subcommands = new Map(program.commands.map((c) => [c.name(), c]));

  it('the services that use the alertscale image are the expected ones', () => {
    expect(alertscaleServices.map(([n]) => n).sort()).toEqual(['exporter', 'load', 'receiver', 'worker']);
  });

  it.each(alertscaleServices)('%s: command names a subcommand and only its options', (name, s) => {
    expect(s.entrypoint, `${name} keeps the image entrypoint (node bin/alertscale.js)`).toBeUndefined();
    const argv = Array.isArray(s.command) ? s.command : [];
    expect(argv.length, `${name} has an exec-form command`).toBeGreaterThan(0);
    const sub = subcommands.get(argv[0] as string);
    expect(sub, `"${argv[0]}" is one of: ${[...subcommands.keys()].join(', ')}`).toBeDefined();
    const known = new Set(sub?.options.flatMap((o) => [o.long, o.short].filter((x): x is string => !!x)));
    for (const flag of argv.filter((a) => a.startsWith('-')))
      expect(known, `${name}: ${flag} is an option of "${argv[0]}"`).toContain(flag);
  });

  it('the config the services read is valid for the real loader', () => {
    expect(() => loadConfig(join(ROOT, 'docker/alertscale.compose.yml'))).not.toThrow();
  });
});

describe('the compose executor can scale the worker service from inside the receiver', () => {
  const config = loadConfig(join(ROOT, 'docker/alertscale.compose.yml'));
  const executor = config.pools.demo?.executor;
  const dockerfile = readFileSync(join(ROOT, 'Dockerfile'), 'utf8');

  it('targets the project name and a service of this file', () => {
    expect(executor?.kind).toBe('compose');
    if (executor?.kind !== 'compose') return;
    expect(executor.project).toBe(compose.name);
    expect(Object.keys(compose.services)).toContain(executor.service);
  });

  it('the scaled service has no bind mounts (the receiver’s copy of the file would resolve them inside its container)', () => {
    if (executor?.kind !== 'compose') return;
    expect(bindSources(compose.services[executor.service] as Service)).toEqual([]);
  });

  it('the image carries the compose file at the path the executor names, and the docker CLI with its compose plugin', () => {
    if (executor?.kind !== 'compose') return;
    const workdir = /^WORKDIR\s+(\S+)\s*$/m.exec(dockerfile.split(/^FROM .*$/m).at(-1) ?? '')?.[1];
    expect(executor.file).toBe(`${workdir}/docker-compose.yml`);
    expect(dockerfile).toMatch(/^COPY [^\n]*\bdocker-compose\.yml\b/m);
    expect(dockerfile).toMatch(/^COPY --from=\S+ \S+ \/usr\/local\/bin\/docker$/m);
    expect(dockerfile).toMatch(/cli-plugins\/docker-compose$/m);
  });

  it('the receiver mounts the Docker socket', () => {
    expect(bindSources(compose.services.receiver as Service)).toContain('/var/run/docker.sock');
  });
});

describe('Dockerfile', () => {
  const dockerfile = readFileSync(join(ROOT, 'Dockerfile'), 'utf8');
  const froms = [...dockerfile.matchAll(/^FROM\s+(\S+)/gm)].map((m) => m[1] as string);
  const args = Object.fromEntries([...dockerfile.matchAll(/^ARG\s+(\w+)=(\S+)/gm)].map((m) => [m[1], m[2]]));
  const images = froms.map((f) => f.replace(/^\$\{(\w+)\}$/, (_, a: string) => args[a] ?? f));

  it('is multi-stage with pinned base images', () => {
    expect(froms.length).toBeGreaterThanOrEqual(2);
    for (const image of images) expect(image).toMatch(/:\d+\.\d+\.\d+(-[a-z0-9.-]+)?$/);
  });

  it('installs production dependencies only and runs the CLI as a non-root user', () => {
    expect(dockerfile).toMatch(/^RUN npm ci --omit=dev\b/m);
    const lastStage = dockerfile.split(/^FROM .*$/m).at(-1) ?? '';
    expect(/^USER\s+(\S+)/m.exec(lastStage)?.[1]).toMatch(/^(?!root$|0$)/);
    expect(lastStage).toMatch(/^ENTRYPOINT \["node", "bin\/alertscale\.js"\]$/m);
  });

  it('every file the Dockerfile copies from the context exists and is not excluded by .dockerignore', () => {
    const ignored = readFileSync(join(ROOT, '.dockerignore'), 'utf8')
      .split('\n')
      .map((l) => l.trim())
      .filter((l) => l && !l.startsWith('#'));
    expect(ignored).toEqual(expect.arrayContaining(['node_modules', '.git']));
    const sources = [...dockerfile.matchAll(/^COPY (?!--from)(.+) \S+$/gm)].flatMap((m) => (m[1] as string).split(/\s+/));
    expect(sources.length).toBeGreaterThan(5);
    for (const s of sources) {
      expect(existsSync(join(ROOT, s)), `${s} exists`).toBe(true);
      expect(ignored, `${s} is not in .dockerignore`).not.toContain(s);
    }
  });

  it('esbuild, which builds the dist/ that bin/alertscale.js runs, is a production dependency (npm ci --omit=dev installs it)', () => {
    const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as {
      dependencies?: Record<string, string>;
      scripts: Record<string, string>;
    };
    expect(readFileSync(join(ROOT, 'bin/alertscale.js'), 'utf8')).toMatch(/new URL\('\.\.\/dist\/src\/cli\/main\.js'/);
    expect(pkg.scripts.build).toMatch(/^rm -rf dist && esbuild /);
    expect(Object.keys(pkg.dependencies ?? {})).toContain('esbuild');
    expect(dockerfile).toMatch(/^RUN npm run build$/m);
    expect(dockerfile).toMatch(/^COPY --from=build \/app\/dist \.\/dist$/m);
  });
});

describe('Grafana wiring', () => {
  const grafana = compose.services.grafana as Service;
  const mountTarget = (source: string) =>
    (grafana.volumes ?? []).map((v) => (typeof v === 'string' ? v.split(':') : [v.source, v.target])).find(([s]) => s === source)?.[1];

  it('the dashboard provider reads the folder the dashboards are mounted at', () => {
    const provider = parse(readFileSync(join(ROOT, 'grafana/provisioning/dashboards/alertscale.yml'), 'utf8')) as {
      providers: { type: string; options: { path: string } }[];
    };
    expect(provider.providers[0]?.options.path).toBe(mountTarget('./grafana/dashboards'));
    expect(mountTarget('./grafana/provisioning')).toBe('/etc/grafana/provisioning');
  });

  it('the provisioned datasource has the uid the dashboards use and points at the prometheus service', () => {
    const ds = parse(readFileSync(join(ROOT, 'grafana/provisioning/datasources/prometheus.yml'), 'utf8')) as {
      datasources: { uid: string; type: string; url: string }[];
    };
    expect(ds.datasources).toEqual([expect.objectContaining({ uid: PROMETHEUS_UID, type: 'prometheus', url: 'http://prometheus:9090' })]);
    expect(compose.services.prometheus).toBeDefined();
  });

  it('admin password comes from GRAFANA_ADMIN_PASSWORD with the default the README prints; anonymous viewers', () => {
    const env = (grafana as { environment?: Record<string, string> }).environment ?? {};
    const m = /^\$\{GRAFANA_ADMIN_PASSWORD:-([^}]+)\}$/.exec(env.GF_SECURITY_ADMIN_PASSWORD ?? '');
    expect(m?.[1]).toBeDefined();
    expect(readFileSync(join(ROOT, 'README.md'), 'utf8')).toContain(`GRAFANA_ADMIN_PASSWORD`);
    expect(readFileSync(join(ROOT, 'README.md'), 'utf8')).toContain(`\`${m?.[1]}\``);
    expect(env.GF_AUTH_ANONYMOUS_ENABLED).toBe('true');
    expect(env.GF_AUTH_ANONYMOUS_ORG_ROLE).toBe('Viewer');
  });
});
