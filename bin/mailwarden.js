#!/usr/bin/env node
// Entry point for `npx mailwarden`: runs the compiled CLI (built by `npm ci` via the prepare script).
import { main } from '../dist/cli/main.js';

main(process.argv.slice(2)).then(
  (code) => { process.exitCode = code; },
  (err) => { process.stderr.write(`${err?.stack ?? err}\n`); process.exitCode = 2; },
);
