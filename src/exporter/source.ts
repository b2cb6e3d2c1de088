/**
 * One thing the exporter reads on each scrape (`host`, `processes`, `heartbeats`, `queue:<name>`),
 * as a small object in the style of prom-client collectors. `read` writes the source's metrics or
 * throws; the exporter then sets `alertscale_exporter_source_up{source}` to 0, counts the error and
 * calls `clear`, so no stale numbers are served while the other sources carry on.
 */
export interface Source {
  readonly name: string;
  read(): Promise<void> | void;
  clear(): void;
}
