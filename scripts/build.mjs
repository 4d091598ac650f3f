#!/usr/bin/env node
// `npm run build`: bundles the program into dist/ with esbuild. One file per command (split on
// dynamic imports) instead of hundreds of modules: Node resolves and compiles far less at
// start-up (Ink alone goes from ~350 ms to ~80 ms). Type checking is `npm run typecheck`.
import { copyFileSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { build } from 'esbuild';

/**
 * Yoga (Ink's layout engine) is Emscripten output that reads its own wasm, a base64 `data:` URL
 * inlined in the file, with `fetch` whenever a global `fetch` exists: in Node that loads undici,
 * about 100 ms before the TUI's first frame, to decode a string it decodes itself otherwise.
 */
const yogaWithoutFetch = {
  name: 'yoga-without-fetch',
  setup(builder) {
    builder.onLoad({ filter: /yoga-layout[\\/]dist[\\/]binaries[\\/]yoga-wasm-base64-esm\.js$/ }, ({ path }) => {
      const source = readFileSync(path, 'utf8');
      const patched = source.replaceAll('"function"!=typeof fetch', 'true');
      if (patched === source)
        throw new Error(`${path}: yoga-layout changed, the fetch it uses for its wasm is not where the build expects`);
      return { contents: patched, loader: 'js' };
    });
  },
};

const root = new URL('..', import.meta.url).pathname;
// Built beside dist/ and swapped in, so that a program running from dist/ meanwhile (a test,
// another build) never sees it half written.
const staging = `dist.${process.pid}`;
await build({
  absWorkingDir: root,
  entryPoints: [
    'src/cli/main.ts',
    // The lab's ALTS handshaker emulator, run as its own process on the lab's metadata host.
    'src/lab/handshaker-main.ts',
    // Loaded by bench/check-bench.mjs.
    'src/check/match-output.ts',
    'src/check/diff-output.ts',
    'src/check/redact.ts',
  ],
  outdir: staging,
  outbase: 'src',
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  sourcemap: true,
  packages: 'bundle',
  // Loaded from node_modules when a gcp run or a cloud cleanup needs it (src/cloud/compute-client.ts):
  // it reads its protocol files at run time, and bundling it would not make its second shorter.
  external: ['@google-cloud/compute'],
  // Ink only loads React's devtools when asked to; they are not a dependency.
  alias: { 'react-devtools-core': './scripts/empty-module.mjs' },
  define: { 'process.env.NODE_ENV': '"production"' },
  // CommonJS dependencies call require(); an ES module bundle has to provide it.
  banner: { js: 'import { createRequire as __altsRequire } from "node:module"; const require = __altsRequire(import.meta.url);' },
  plugins: [yogaWithoutFetch],
  logLevel: 'warning',
});
// The emulator loads its .proto files at run time (src/lab/handshaker/handshaker-server.ts).
mkdirSync(`${root}${staging}/lab/handshaker`, { recursive: true });
for (const file of readdirSync(`${root}src/lab/handshaker`).filter((name) => name.endsWith('.proto'))) {
  copyFileSync(`${root}src/lab/handshaker/${file}`, `${root}${staging}/lab/handshaker/${file}`);
}
const old = `${root}dist.old.${process.pid}`;
try {
  renameSync(`${root}dist`, old);
} catch {
  // No dist/ yet.
}
renameSync(`${root}${staging}`, `${root}dist`);
rmSync(old, { recursive: true, force: true });
