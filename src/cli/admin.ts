/**
 * The admin CLI: `npm run admin -- <command>` (see `npm run admin -- --help`). Reads `.env` like
 * `npm start`, runs one command, closes the database (PGlite would otherwise keep the process alive)
 * and exits with the command's code.
 */
import { ConfigError, configuredTimeZone, loadDotEnv } from "../config.js";
import { setDefaultTimeZone } from "../domain/settings.js";
import { runCli } from "./run.js";

loadDotEnv();
try {
  // dates, months and deadlines in the zone the bot uses: the timeZone setting, else TZ_DEFAULT
  setDefaultTimeZone(configuredTimeZone());
} catch (e) {
  if (!(e instanceof ConfigError)) throw e;
  console.error(e.message);
  process.exit(2);
}
const code = await runCli(process.argv.slice(2));
process.exit(code);
