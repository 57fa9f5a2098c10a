// Runs a TypeScript entry point (e.g. scripts/bench.ts) through Vite's module runner, the same
// transform pipeline as the app and the unit tests. Plain Node cannot load tfjs-core's ESM build
// (extensionless imports), and its CommonJS build registers no gradients.
import { createRequire } from 'node:module';
import { createServer, createServerModuleRunner } from 'vite';

// tfjs-core's ESM build calls require('util') on Node; inlined modules need a require in scope.
globalThis.require ??= createRequire(import.meta.url);

const [entry, ...rest] = process.argv.slice(2);
if (!entry) {
  console.error('usage: node scripts/run-ts.mjs <entry.ts> [args...]');
  process.exit(2);
}
process.argv = [process.argv[0], entry, ...rest];
const server = await createServer({
  configFile: false,
  logLevel: 'error',
  appType: 'custom',
  server: { middlewareMode: true, hmr: false, ws: false, watch: null },
  optimizeDeps: { noDiscovery: true, include: [] },
  ssr: { noExternal: [/^@tensorflow\/tfjs-core/] },
});
const runner = createServerModuleRunner(server.environments.ssr, { hmr: false });
// The entry exports `main(args)`; the runner awaits it, then exits with its status.
let status;
try {
  const module = await runner.import(entry.startsWith('/') ? entry : `/${entry}`);
  if (typeof module.main !== 'function') throw new Error(`${entry} does not export a main(args) function`);
  status = (await module.main(rest)) ?? 0;
} catch (error) {
  console.error(error);
  status = 1;
}
await runner.close();
await server.close();
process.exit(status);
