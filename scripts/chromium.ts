/**
 * The Chromium that scripts/install-chromium.sh installs (Debian's package), and how the
 * browser specs and the benchmark launch it through playwright-core: headless, no sandbox
 * (CI runs as root), nothing fetched in the background.
 */
export const CHROMIUM = '/usr/bin/chromium';
export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];
