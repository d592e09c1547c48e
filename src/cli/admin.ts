/**
 * The admin CLI: `npm run admin -- <command>` (see `npm run admin -- --help`). Reads `.env` like
 * `npm start`, runs one command, closes the database (PGlite would otherwise keep the process alive)
 * and exits with the command's code.
 */
import { loadDotEnv } from "../config.js";
import { runCli } from "./run.js";

loadDotEnv();
const code = await runCli(process.argv.slice(2));
process.exit(code);
