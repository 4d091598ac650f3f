#!/usr/bin/env node
// Thin launcher: the program is built into dist/ by `npm ci` (the `prepare` script).
import { main } from '../dist/cli/main.js';

await main(process.argv);
