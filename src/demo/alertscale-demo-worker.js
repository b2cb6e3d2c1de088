// pm2 entry for the demo pool. Cluster mode imports a JavaScript file, so this launcher registers
// tsx and runs the TypeScript worker. Its file name is what the exporter's `processes.match`
// finds in /proc/<pid>/cmdline (pm2 titles the process `node <this path>`; the worker then sets
// its own title, which starts with the same name).
// Use: pm2 start src/demo/alertscale-demo-worker.js --name demo -i 1 --kill-timeout 30000 -- --redis URL
import { register } from 'tsx/esm/api';

register();
const { main } = await import('./main.ts');
await main(process.argv.slice(2));
