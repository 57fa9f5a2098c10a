// Makes sure Debian's Chromium is there for the end-to-end tests (Playwright never downloads a browser).
import { existsSync } from 'node:fs';
import { spawnSync } from 'node:child_process';

const path = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
if (existsSync(path)) process.exit(0);

const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
const hasApt = existsSync('/usr/bin/apt-get');
if (isRoot && hasApt) {
  console.log(`e2e: ${path} is missing; installing Debian's chromium with apt-get (once)…`);
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  for (const args of [['update'], ['install', '-y', '--no-install-recommends', 'chromium']]) {
    const result = spawnSync('apt-get', args, { stdio: 'inherit', env });
    if (result.status !== 0) {
      console.error(`e2e: "apt-get ${args.join(' ')}" failed (exit ${result.status}).`);
      process.exit(1);
    }
  }
  if (existsSync(path)) process.exit(0);
  console.error(`e2e: chromium was installed but ${path} does not exist; set CHROMIUM_PATH to the binary.`);
  process.exit(1);
}
console.error(
  [
    `e2e: Chromium is missing (${path}). The end-to-end tests drive Debian's Chromium.`,
    hasApt ? '  Install it with:  sudo apt-get install -y chromium' : '  Install Chromium with your package manager,',
    '  or point CHROMIUM_PATH at a Chromium binary:  CHROMIUM_PATH=/path/to/chromium npm test',
  ].join('\n'),
);
process.exit(1);
