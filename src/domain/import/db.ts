/** Database plumbing shared by the importers: one long transaction per file. */
import type { Database, Db, Tx } from "../../db/client.js";

/** Accepts the Database handle or its Prisma client. */
export type DbLike = Db | Database;

export function prismaOf(db: DbLike): Db {
  return "prisma" in db && "sql" in db ? db.prisma : (db as Db);
}

/** Imports may be large (a month of lines): allow a long transaction. */
const TX_OPTIONS = { timeout: 60 * 60 * 1000, maxWait: 60 * 1000 };

/** Runs `fn` in one transaction: it all lands, or (on any error or refusal) none of it does. */
export function inTransaction<T>(db: DbLike, fn: (tx: Tx) => Promise<T>): Promise<T> {
  return prismaOf(db).$transaction(fn, TX_OPTIONS);
}

/** Splits `items` into chunks of `size` (for createMany within the parameter limit). */
export function chunks<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}
