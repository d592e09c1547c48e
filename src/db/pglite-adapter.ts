import type { PGlite } from "@electric-sql/pglite";
import type { SqlMigrationAwareDriverAdapterFactory } from "@prisma/driver-adapter-utils";
import { PrismaPGlite } from "pglite-prisma-adapter";

/**
 * The Prisma driver adapter for PGlite. pglite-prisma-adapter 0.6.1 (the line that fits Prisma 6.19)
 * declares its types against @prisma/driver-adapter-utils 6.10, whose interfaces differ from 6.19's in
 * name only for what the client and the schema engine call; the cast states that in one place.
 */
export function pgliteAdapter(pglite: PGlite): SqlMigrationAwareDriverAdapterFactory {
  return new PrismaPGlite(pglite) as unknown as SqlMigrationAwareDriverAdapterFactory;
}
