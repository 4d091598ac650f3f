#!/usr/bin/env node
// Thin launcher: the program is built into dist/ by `npm ci` (the `prepare` script).
import module from 'node:module';

// V8 keeps the code it compiled for dist/ on disk and reuses it on the next start (Node 22.1+;
// Node 20 has no compile cache for ES modules). Before the import below, which it speeds up.
module.enableCompileCache?.();
const { main } = await import('../dist/cli/main.js');

await main(process.argv);
