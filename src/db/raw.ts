/**
 * The raw driver behind a Prisma client that `openDatabase` opened (a pg Pool or the PGlite instance),
 * for the few hot statements where Prisma's own per-call work (query compiler, adapter, result mapping)
 * costs more than the statement: the `/log` path calls one SQL function through it.
 *
 * A client opened some other way, and a transaction client (`tx`), have none: callers fall back to
 * `$queryRawUnsafe`, which runs the same SQL.
 */
import type { PGlite } from "@electric-sql/pglite";
import type pg from "pg";

export interface RawSql {
  /**
   * Runs one parameterised statement and returns its rows. `name` identifies the statement text: on a
   * server it is prepared once per connection under that name (parsed and planned once, then only bound
   * and executed). Rows come as the driver parses them (bigint as string, json parsed).
   */
  query<T>(name: string, text: string, params: unknown[]): Promise<T[]>;
}

const registry = new WeakMap<object, RawSql>();

export function registerRawSql(client: object, raw: RawSql): void {
  registry.set(client, raw);
}

/** The raw driver of a client opened by openDatabase; undefined for anything else (e.g. a transaction). */
export function rawSqlOf(client: object): RawSql | undefined {
  return registry.get(client);
}

export function poolRawSql(pool: pg.Pool): RawSql {
  return {
    async query<T>(name: string, text: string, params: unknown[]) {
      // a named query is prepared on each pooled connection the first time it runs there
      const r = await pool.query({ name, text, values: params });
      return r.rows as T[];
    },
  };
}

export function pgliteRawSql(pglite: PGlite): RawSql {
  return {
    async query<T>(_name: string, text: string, params: unknown[]) {
      // PGlite.query waits for any open transaction (it holds PGlite's transaction lock), so this never
      // runs inside someone else's interactive transaction
      return (await pglite.query<T>(text, params)).rows;
    },
  };
}
