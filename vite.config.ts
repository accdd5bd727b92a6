import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';

/** Builds the renderer (src-renderer) into dist/renderer with relative URLs, for Electron and `serve --ui`. */
export default defineConfig({
  root: 'src-renderer',
  base: './',
  plugins: [react()],
  build: { outDir: '../dist/renderer', emptyOutDir: true },
});
