/**
 * Runs the CLI dispatcher as `bin/mailwarden.js` does, but from the TypeScript sources, so that
 * spawn tests exercise the real argument parsing, stdin handling and exit codes without a build.
 */
import { main } from '../../../src/cli/main.js';

process.exitCode = await main(process.argv.slice(2));
