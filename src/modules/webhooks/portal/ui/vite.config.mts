import preact from '@preact/preset-vite';
import { resolve } from 'node:path';
import { defineConfig } from 'vite';

/**
 * Builds the tenant portal into ../page, which the module serves at options.portalPath.
 * Relative asset URLs (base './'): the server fills in the page's real path at boot. Every
 * script and style goes into a hashed file (no inline code, for the page's strict CSP).
 */
export default defineConfig({
  root: import.meta.dirname,
  base: './',
  plugins: [preact({ devToolsEnabled: false, prefreshEnabled: false })],
  build: {
    outDir: resolve(import.meta.dirname, '..', 'page'),
    emptyOutDir: true,
    assetsInlineLimit: 0,
    modulePreload: { polyfill: false },
    target: 'es2020',
  },
});
