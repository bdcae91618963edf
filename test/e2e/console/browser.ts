import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser } from 'playwright-core';

export const CHROMIUM = '/usr/bin/chromium';

/** Why the browser test cannot run here, or null when it can. */
export function browserUnavailable(): string | null {
  return existsSync(CHROMIUM) ? null : `${CHROMIUM} is missing (install Debian's package: apt-get install -y chromium)`;
}

/** Debian's Chromium, headless and quiet: no sandbox (root in CI), no network of its own. */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
}

const root = fileURLToPath(new URL('../../../', import.meta.url));

/** The console the gateway serves; built here when a fresh tree has not built it yet. */
export function ensureConsoleBuilt(): void {
  if (existsSync(`${root}web/dist/index.html`)) return;
  execFileSync(process.execPath, [`${root}node_modules/vite/bin/vite.js`, 'build', 'web'], { cwd: root, stdio: 'ignore' });
}
