// Runs the CLI dispatcher the way bin/mailwarden.js does, for tests that spawn the command from source.
import { main } from '../../../src/cli/main.js';

process.exitCode = await main(process.argv.slice(2));
