import { defineConfig, type Plugin } from 'vite';
import react from '@vitejs/plugin-react';
import { CONTENT_SECURITY_POLICY } from './csp';

const contentSecurityPolicy: Plugin = {
  name: 'content-security-policy',
  apply: 'build',
  transformIndexHtml: () => [
    { tag: 'meta', attrs: { 'http-equiv': 'Content-Security-Policy', content: CONTENT_SECURITY_POLICY }, injectTo: 'head-prepend' },
  ],
};

/**
 * Cross-origin isolation: SharedArrayBuffer, and so tfjs's threaded WASM build, needs both headers
 * on every response. `FMP_NO_ISOLATION=1` serves without them (the bench's single-thread baseline).
 * A static host must send the same two headers (public/_headers does it on Netlify and Cloudflare Pages).
 */
export const CROSS_ORIGIN_ISOLATION = {
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
};
const isolation = () => (process.env.FMP_NO_ISOLATION === '1' ? {} : CROSS_ORIGIN_ISOLATION);

// The engine worker's code is only stripped of whitespace: tfjs's threaded WASM build sends its module
// factory to its threads as source text (Function.prototype.toString), which breaks when a minifier
// renames its names ("e is not defined") or drops its `typeof` guards ("_scriptDir is not defined").
const UNMANGLED = { compress: false, mangle: false, codegen: { removeWhitespace: true } };

export default defineConfig({
  base: './',
  plugins: [react(), contentSecurityPolicy],
  worker: { format: 'es', rollupOptions: { output: { minify: UNMANGLED } } },
  build: {
    target: 'es2022',
    // h5wasm's HDF5 library is one 4.8 MB chunk, loaded only when an .h5 file is asked for.
    chunkSizeWarningLimit: 5000,
    // bench.html: the browser half of `npm run bench` (Hessian and landscape timings per backend);
    // bench-threads.html: how far tfjs-wasm's own kernels scale with threads (--only threads).
    rollupOptions: { input: { main: 'index.html', bench: 'bench.html', benchThreads: 'bench-threads.html' } },
  },
  server: { port: 5173, host: '127.0.0.1', headers: isolation() },
  preview: { port: 4173, host: '127.0.0.1', headers: isolation() },
});
