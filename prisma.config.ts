/**
 * Prisma CLI configuration (Prisma 6.19, JavaScript schema engine: no native binary, works offline).
 *
 * - DATABASE_URL=postgresql://…  → the server, through @prisma/adapter-pg with a small OID shim
 *   (src/db/pg-cli-shim.ts explains why).
 * - DATABASE_URL unset           → the embedded PGlite database in PGLITE_DIR (default ./.data/pglite).
 *   Note: the Prisma CLI does its work on PGlite and then does not exit by itself (see
 *   ../shared/notes/prisma-offline.md); the app and `npm run admin -- migrate` therefore apply migrations
 *   to PGlite in process (src/db/migrate.ts), in the same _prisma_migrations bookkeeping.
 */
import { mkdirSync } from "node:fs";
import path from "node:path";
import { defineConfig } from "prisma/config";

const url = process.env.DATABASE_URL;
// The CLI insists on DATABASE_URL being set even though the adapter ignores it.
if (!url) process.env.DATABASE_URL = "postgresql://embedded-pglite/ignored";

// The CLI asks for the adapter more than once per run. Each request must get the same PGlite instance:
// two instances open on one folder in one process overwrite each other's work (seen in CI: `migrate
// deploy` printed success and the folder then showed nothing applied). The adapter's dispose() leaves the
// instance open, so one per folder per process is safe; it also holds the folder lock once.
const instances = new Map<string, import("@electric-sql/pglite").PGlite>();

export default defineConfig({
  experimental: { adapter: true },
  engine: "js",
  schema: path.join("prisma", "schema.prisma"),
  migrations: { path: path.join("prisma", "migrations") },
  async adapter() {
    const { createCliAdapterFactory } = await import("./src/db/pg-cli-shim.ts");
    if (url && /^postgres(ql)?:\/\//.test(url)) {
      return createCliAdapterFactory(url);
    }
    const { PGlite } = await import("@electric-sql/pglite");
    const { pgliteAdapter } = await import("./src/db/pglite-adapter.ts");
    const dir = process.env.PGLITE_DIR ?? path.join(".data", "pglite");
    mkdirSync(dir, { recursive: true });
    let pglite = instances.get(dir);
    if (!pglite || pglite.closed) {
      // One process at a time on a PGlite folder (src/db/folder-lock.ts), released when the CLI exits.
      if (!pglite) {
        const { lockFolder } = await import("./src/db/folder-lock.ts");
        lockFolder(dir);
      }
      pglite = new PGlite(dir);
      instances.set(dir, pglite);
    }
    return pgliteAdapter(pglite);
  },
});
