/**
 * The raw driver behind a Prisma client that `openDatabase` opened (a pg Pool or the PGlite instance),
 * for the few hot statements where Prisma's own per-call work (query compiler, adapter, result mapping)
 * costs more than the statement: the `/log` path calls one SQL function through it.
 *
 * A client opened some other way, and a transaction client (`tx`), have none: callers fall back to
 * `$queryRawUnsafe`, which runs the same SQL.
 */
import { type PGlite, parse, protocol } from "@electric-sql/pglite";
import type pg from "pg";

export interface RawSql {
  /**
   * Runs one parameterised statement and returns its rows. `name` identifies the statement text: on a
   * server it is prepared once per connection under that name (parsed and planned once, then only bound
   * and executed). Rows come as the driver parses them (bigint as string, json parsed).
   */
  query<T>(name: string, text: string, params: unknown[]): Promise<T[]>;
  /**
   * true when statements run side by side on several connections (a server's pool), so grouping calls
   * saves round trips; false for PGlite (one in-process session: calls run one after another anyway)
   */
  readonly batches: boolean;
}

const { serialize } = protocol;
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
    batches: true,
    async query<T>(name: string, text: string, params: unknown[]) {
      // a named query is prepared on each pooled connection the first time it runs there
      const r = await pool.query({ name, text, values: params });
      return r.rows as T[];
    },
  };
}

/**
 * PGlite: each statement is parsed once under its name (PGlite is one session), then every call is one
 * Bind/Describe/Execute/Sync exchange: PGlite.query parses, describes and plans the statement again on
 * every call, in five exchanges. Runs under both of PGlite's locks, as PGlite.query does, so it never
 * runs inside someone else's interactive transaction.
 */
export function pgliteRawSql(pglite: PGlite): RawSql {
  const prepared = new Set<string>();
  const text = (v: unknown): string | null => {
    if (v === null || v === undefined) return null;
    if (typeof v === "string") return v;
    if (v instanceof Date) return v.toISOString();
    if (typeof v === "object") return JSON.stringify(v);
    return String(v);
  };
  const run = async <T>(name: string, sql: string, params: unknown[]): Promise<T[]> => {
    if (!prepared.has(name)) {
      try {
        await pglite.execProtocol(concat(serialize.parse({ name, text: sql, types: [] }), serialize.sync()), {
          syncToFs: false,
        });
      } catch (error) {
        if ((error as { code?: string }).code !== "42P05") throw error; // already prepared: fine
      }
      prepared.add(name);
    }
    const { messages } = await pglite.execProtocol(
      concat(
        serialize.bind({ statement: name, values: params.map(text) }),
        serialize.describe({ type: "P" }),
        serialize.execute({}),
        serialize.sync(),
      ),
      { syncToFs: false },
    );
    const [result] = parse.parseResults(messages, pglite.parsers);
    await pglite.syncToFs();
    return (result?.rows ?? []) as T[];
  };
  return {
    batches: false,
    query<T>(name: string, sql: string, params: unknown[]) {
      return pglite._runExclusiveTransaction(() =>
        pglite._runExclusiveQuery(async () => {
          try {
            return await run<T>(name, sql, params);
          } catch (error) {
            // the statement was deallocated behind our back (DISCARD ALL, DEALLOCATE): prepare it again
            if ((error as { code?: string }).code !== "26000") throw error;
            prepared.delete(name);
            return run<T>(name, sql, params);
          }
        }),
      );
    },
  };
}

function concat(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}
