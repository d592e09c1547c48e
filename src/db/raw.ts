/**
 * The raw driver behind a Prisma client that `openDatabase` opened (a pg Pool or the PGlite instance),
 * for the few hot statements where Prisma's own per-call work (query compiler, adapter, result mapping)
 * costs more than the statement: the `/log` path calls one SQL function through it, and publishing a
 * month runs its whole transaction on it (`transaction`: one pooled connection, BEGIN … COMMIT).
 *
 * A client opened some other way, and a transaction client (`tx`), have none: callers fall back to
 * `$queryRawUnsafe`, which runs the same SQL (`prismaSql` wraps a client or `tx` as a `SqlTx`).
 */
import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { type PGlite, parse, protocol } from "@electric-sql/pglite";
import type pg from "pg";
import { from as copyFromStdin } from "pg-copy-streams";

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
  /**
   * Runs `fn` in one transaction on one connection (a pooled client taken for it; PGlite's own
   * transaction): committed when `fn` resolves, rolled back when it throws. `fn` must not leave a
   * statement running when it settles.
   */
  transaction<T>(fn: (tx: RawTx) => Promise<T>): Promise<T>;
}

/** A raw transaction's statements, and bulk loading. */
export interface RawTx extends SqlTx {
  readonly kind: "postgres" | "pglite";
  /**
   * Loads rows into `table` with COPY (text format, values written by `copyText`): a chunk is
   * any number of whole rows. On a server the chunks are streamed as they are made (the server takes in
   * one while the next is made); PGlite reads them as one file. Returns the rows loaded.
   */
  copyFrom(table: string, columns: readonly string[], chunks: Iterable<string>): Promise<number>;
}

/**
 * Statements on one connection. Rows come as the driver parses them, and the drivers (pg, PGlite,
 * Prisma's raw queries) agree only on text, int4, boolean and json columns: select other types as text
 * (`::text`) and convert in JavaScript. Parameters: strings, numbers, booleans, null (an array goes as
 * its array literal, see `pgArray`).
 */
export interface SqlTx {
  /** "postgres" (a server connection), "pglite", or "prisma" (through $queryRawUnsafe) */
  readonly kind: "postgres" | "pglite" | "prisma";
  query<T>(text: string, params?: readonly unknown[]): Promise<T[]>;
  /** runs a statement, returning the number of rows it affected */
  execute(text: string, params?: readonly unknown[]): Promise<number>;
}

/** What `prismaSql` needs of a Prisma client or transaction client. */
export interface PrismaRaw {
  $queryRawUnsafe<T = unknown>(query: string, ...values: unknown[]): Promise<T>;
  $executeRawUnsafe(query: string, ...values: unknown[]): Promise<number>;
}

/** A Prisma client or transaction client as a `SqlTx` (statements through `$queryRawUnsafe`). */
export function prismaSql(p: PrismaRaw): SqlTx {
  return {
    kind: "prisma",
    query: <T>(text: string, params: readonly unknown[] = []) => p.$queryRawUnsafe<T[]>(text, ...params),
    execute: (text: string, params: readonly unknown[] = []) => p.$executeRawUnsafe(text, ...params),
  };
}

/**
 * A PostgreSQL array literal of strings (null elements allowed): `{"a","b\"c",NULL}`. Passed as a text
 * parameter and cast in SQL (`$1::text[]`), it reads the same on pg and PGlite.
 */
export function pgArray(values: readonly (string | null)[]): string {
  let out = "{";
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (i > 0) out += ",";
    out += v === null || v === undefined ? "NULL" : `"${escapeArrayElement(v)}"`;
  }
  return `${out}}`;
}

/** `COPY "table" ("a", "b") FROM <source>` (identifiers from code, quoted). */
function copySql(table: string, columns: readonly string[], source: string): string {
  const q = (id: string) => `"${id.replace(/"/g, '""')}"`;
  return `COPY ${q(table)} (${columns.map(q).join(", ")}) FROM ${source}`;
}

const COPY_SPECIAL = /[\\\t\n\r]/;
const COPY_ESCAPES: Record<string, string> = { "\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r" };

/**
 * A value as COPY's text format writes it: null is `\N`, and a backslash, tab, newline or carriage
 * return is written as its backslash escape. A row is its values separated by tabs, ended by a newline.
 */
export function copyText(v: string | null): string {
  if (v === null) return "\\N";
  return COPY_SPECIAL.test(v) ? v.replace(/[\\\t\n\r]/g, (c) => COPY_ESCAPES[c]!) : v;
}

const ARRAY_SPECIAL = /["\\]/g;
function escapeArrayElement(v: string): string {
  return v.includes('"') || v.includes("\\") ? v.replace(ARRAY_SPECIAL, "\\$&") : v;
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
    async transaction<T>(fn: (tx: RawTx) => Promise<T>): Promise<T> {
      const client = await pool.connect();
      // a connection whose ROLLBACK failed is in an unknown state: it is closed, not returned to the pool
      let broken: Error | undefined;
      try {
        await client.query("BEGIN");
        try {
          const out = await fn({
            kind: "postgres",
            query: async <R>(text: string, params?: readonly unknown[]) =>
              (await client.query(text, params as unknown[] | undefined)).rows as R[],
            execute: async (text: string, params?: readonly unknown[]) =>
              (await client.query(text, params as unknown[] | undefined)).rowCount ?? 0,
            copyFrom: async (table, columns, chunks) => {
              const copy = client.query(copyFromStdin(copySql(table, columns, "STDIN")));
              // pulled one chunk at a time: the next is made while the socket sends the last
              await pipeline(Readable.from(chunks), copy);
              return copy.rowCount;
            },
          });
          await client.query("COMMIT");
          return out;
        } catch (error) {
          await client.query("ROLLBACK").catch((e: Error) => {
            broken = e;
          });
          throw error;
        }
      } finally {
        client.release(broken);
      }
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
    transaction<T>(fn: (tx: RawTx) => Promise<T>): Promise<T> {
      return pglite.transaction((t) =>
        fn({
          kind: "pglite",
          query: async <R>(text: string, params?: readonly unknown[]) =>
            (await t.query<R>(text, params as unknown[] | undefined)).rows,
          execute: async (text: string, params?: readonly unknown[]) =>
            (await t.query(text, params as unknown[] | undefined)).affectedRows ?? 0,
          copyFrom: async (table, columns, chunks) => {
            const blob = new Blob([...chunks]);
            return (await t.query(copySql(table, columns, "'/dev/blob'"), [], { blob })).affectedRows ?? 0;
          },
        }),
      );
    },
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
