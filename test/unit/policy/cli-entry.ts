/**
 * Runs the CLI dispatcher from the TypeScript sources, as `bin/mailwarden.js` does from the build.
 * The spawn tests use it only while `src/cli/main.ts` does not run itself when executed directly.
 */
import { main } from '../../../src/cli/main.js';

process.exitCode = await main(process.argv.slice(2));
