import type { DataSourceRef } from '@grafana/grafana-foundation-sdk/common';

/**
 * Every query names the Prometheus datasource by this fixed uid. grafana/provisioning/datasources/
 * prometheus.yml provisions a datasource with the same uid, so a dashboard never depends on which
 * datasource happens to be the default in someone's Grafana.
 */
export const PROMETHEUS_UID = 'alertscale-prometheus';

export const PROMETHEUS: DataSourceRef = { type: 'prometheus', uid: PROMETHEUS_UID };
