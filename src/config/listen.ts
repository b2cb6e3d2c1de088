/** `host:port`, `[v6]:port`, or a bare port (which means loopback). */
const LISTEN = /^(?:\[([0-9a-fA-F:]+)\]|([A-Za-z0-9.-]+)):(\d{1,5})$|^(\d{1,5})$/;

/** A listen address (`receiver.listen`, `exporter.listen`, `--listen`) as host and port. */
export function parseListen(listen: string): { host: string; port: number } {
  const m = LISTEN.exec(listen);
  const port = Number(m?.[3] ?? m?.[4]);
  if (!m || !(port >= 0 && port <= 65535)) throw new Error(`listen address "${listen}": write host:port, e.g. 127.0.0.1:9464`);
  return { host: m[1] ?? m[2] ?? '127.0.0.1', port };
}

export function isListenAddress(listen: string): boolean {
  try {
    parseListen(listen);
    return true;
  } catch {
    return false;
  }
}
