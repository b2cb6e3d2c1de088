// pm2 entry for the demo pool. Cluster mode imports a JavaScript file, so this launcher runs the
// worker compiled into dist/ (`npm run build`). Its file name is what the exporter's
// `processes.match` finds in /proc/<pid>/cmdline (pm2 titles the process `node <this path>`; the
// worker then sets its own title, which starts with the same name).
// Use: pm2 start src/demo/alertscale-demo-worker.js --name demo -i 1 --kill-timeout 30000 -- --redis URL
process.setSourceMapsEnabled(true);
const { main } = await import('../../dist/src/demo/main.js');
await main(process.argv.slice(2));
