/**
 * Dashboards -> file contents, deterministically: object keys sorted at every depth, two-space
 * indent, trailing newline. The same builder code always yields the same bytes, whatever order
 * the SDK happens to assign properties in, so the drift test can compare byte for byte.
 */
import type { Dashboard } from '@grafana/grafana-foundation-sdk/dashboard';
import { poolsDashboard } from './pools.js';
import { serviceDashboard } from './service.js';

export interface RenderedDashboard {
  /** File name under grafana/dashboards/. */
  file: string;
  json: string;
}

/**
 * Grafana expects `templating.list` and `annotations.list`; the SDK leaves `{}` when empty.
 * The SDK also defaults links and annotation toggles to `placement: "inControlsMenu"`, which
 * Grafana 12 hides in a drop-down; without it they sit on the dashboard bar, where people look.
 */
function normalise(d: Dashboard): Dashboard {
  const withoutPlacement = <T extends { placement?: unknown }>(x: T): T => {
    const { placement: _placement, ...rest } = x;
    return rest as T;
  };
  return {
    ...d,
    links: d.links?.map(withoutPlacement),
    templating: { list: d.templating?.list ?? [] },
    annotations: { list: (d.annotations?.list ?? []).map(withoutPlacement) },
  };
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const key of Object.keys(value).sort()) {
      const v = (value as Record<string, unknown>)[key];
      if (v !== undefined) out[key] = sortKeys(v);
    }
    return out;
  }
  return value;
}

export function stableJson(value: unknown): string {
  return `${JSON.stringify(sortKeys(value), null, 2)}\n`;
}

export function renderDashboards(): RenderedDashboard[] {
  return [
    { file: 'alertscale-pools.json', json: stableJson(normalise(poolsDashboard().build())) },
    { file: 'alertscale-service.json', json: stableJson(normalise(serviceDashboard().build())) },
  ];
}
