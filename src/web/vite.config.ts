import { fileURLToPath } from 'node:url';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

const here = (p: string) => fileURLToPath(new URL(p, import.meta.url));

/**
 * The console and the portal: two pages of one build, served by web.plugin.ts under a strict
 * Content-Security-Policy. Nothing may end up inline: no module-preload polyfill (it is an
 * inline-free chunk today but we do not need it on Chromium/Firefox/Safari anyway), CSS in files.
 */
export default defineConfig({
  root: here('.'),
  base: '/',
  plugins: [react()],
  publicDir: false,
  build: {
    outDir: here('../../dist/web'),
    emptyOutDir: true,
    target: 'es2022',
    modulePreload: { polyfill: false },
    assetsInlineLimit: 0,
    sourcemap: false,
    reportCompressedSize: false,
    rollupOptions: {
      input: { console: here('console.html'), portal: here('portal.html') },
    },
  },
});
