/**
 * The admin CLI: `npm run admin -- <command>` (see `npm run admin -- --help`). Runs one command, closes
 * the database (PGlite would otherwise keep the process alive) and exits with the command's code.
 */
import { runCli } from "./run.js";

const code = await runCli(process.argv.slice(2));
process.exit(code);
