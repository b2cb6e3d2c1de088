export { createExporter, type Exporter, type ExporterDeps, type ExporterLogger } from './exporter.js';
export { startExporterServer, type ExporterServer } from './server.js';
export { createExporterRedis } from './redis.js';
export { unknownProcessUsers } from './processes.js';
export { HEARTBEAT_PREFIX } from './heartbeats.js';
export type { ExporterMetrics } from './metrics.js';
