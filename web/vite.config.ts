import { defineConfig } from 'vite';

/**
 * The console is built to web/dist and served by the gateway's admin server. No plug-in is
 * needed: Vite's own transform compiles TSX with React's automatic JSX runtime. The build
 * emits only external scripts and stylesheets, so the server's CSP can forbid inline code.
 */
export default defineConfig({
  root: import.meta.dirname,
  base: '/',
  oxc: { jsx: { runtime: 'automatic' } },
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    assetsInlineLimit: 0,
    modulePreload: { polyfill: false },
    sourcemap: false,
  },
});
