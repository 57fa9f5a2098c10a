/**
 * The Content-Security-Policy of the built app (a <meta> tag the build adds to every page; the dev
 * server, which needs inline scripts and a websocket for hot reload, goes without).
 * What the app needs and no more: its own scripts, and WebAssembly compilation (tfjs's WASM
 * backend); workers from its own origin; fetches of its own data shards; images from blob:/data:
 * (PNG exports, three.js textures); its own styles (uPlot, React set styles through the CSSOM,
 * which CSP does not restrict). No eval, no inline script, no plugins, no other origin.
 */
export const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self' 'wasm-unsafe-eval'",
  "worker-src 'self'",
  "connect-src 'self'",
  "img-src 'self' data: blob:",
  "style-src 'self'",
  "font-src 'self'",
  "object-src 'none'",
  "base-uri 'self'",
  "form-action 'none'",
].join('; ');
