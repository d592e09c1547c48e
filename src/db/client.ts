/**
 * Opens the database the app and the CLI use:
 * - DATABASE_URL=postgresql://… → a PostgreSQL server through @prisma/adapter-pg (production, replicas);
 * - otherwise → PGlite, in-process PostgreSQL, with its data in a local folder (the embedded default),
 *   or in memory when the folder is "memory://" (tests).
 * Both speak the same dialect and share one schema and one migration history.
 */
import { mkdirSync } from "node:fs";
import path from "node:path";
import { PGlite } from "@electric-sql/pglite";
import { PrismaPg } from "@prisma/adapter-pg";
import pg from "pg";
import { PrismaClient } from "../generated/prisma/client.js";
import { lockFolder } from "./folder-lock.js";
import { applyMigrations, type MigrationStatus, migrationStatus, type SqlRunner } from "./migrate.js";
import { pgliteAdapter } from "./pglite-adapter.js";
import { pgliteRawSql, poolRawSql, registerRawSql } from "./raw.js";

export type Db = PrismaClient;
/** The client handed to use-cases inside `db.$transaction(async (tx) => …)`. */
export type Tx = Parameters<Parameters<PrismaClient["$transaction"]>[0]>[0];

export interface Database {
  prisma: PrismaClient;
  kind: "pglite" | "postgres";
  /** human-readable location (folder or URL without password) */
  where: string;
  /** raw SQL for maintenance (migrations, benchmarks, health checks) */
  sql: SqlRunner;
  migrate(): Promise<string[]>;
  status(): Promise<MigrationStatus>;
  close(): Promise<void>;
  /** PGlite only: a consistent copy of the whole data folder (a gzipped tarball; see `admin backup`) */
  dumpDataDir?: () => Promise<Blob>;
}

export interface OpenOptions {
  databaseUrl?: string;
  /** PGlite folder, or "memory://" (default ./.data/pglite) */
  pgliteDir?: string;
  /** PGlite only: start from this data-dir dump (PGlite's dumpDataDir), e.g. a migrated snapshot */
  pgliteLoad?: Blob;
  /** apply pending migrations before returning (default false) */
  migrate?: boolean;
  /** pool size for a server (default 10) */
  poolSize?: number;
}

export const DEFAULT_PGLITE_DIR = path.join(".data", "pglite");

export function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = "***";
    return u.toString();
  } catch {
    return "(unparseable DATABASE_URL)";
  }
}

export async function openDatabase(options: OpenOptions = {}): Promise<Database> {
  const url = options.databaseUrl ?? process.env.DATABASE_URL;
  const database = url ? await openServer(url, options) : await openEmbedded(options);
  if (options.migrate) await database.migrate();
  return database;
}

async function openEmbedded(options: OpenOptions): Promise<Database> {
  const dir = options.pgliteDir ?? process.env.PGLITE_DIR ?? DEFAULT_PGLITE_DIR;
  const inMemory = dir.startsWith("memory://");
  if (!inMemory) mkdirSync(dir, { recursive: true });
  const unlock = inMemory ? () => {} : lockFolder(dir);
  const pglite = inMemory
    ? new PGlite(options.pgliteLoad ? { loadDataDir: options.pgliteLoad } : {})
    : new PGlite(dir, options.pgliteLoad ? { loadDataDir: options.pgliteLoad } : {});
  try {
    await pglite.waitReady;
  } catch (e) {
    unlock();
    throw e;
  }
  await pglite.exec("SET TIME ZONE 'UTC'");
  const sql: SqlRunner = {
    exec: (s) => pglite.exec(s),
    query: async <T>(s: string, params?: unknown[]) => ({ rows: (await pglite.query<T>(s, params)).rows }),
  };
  const prisma = new PrismaClient({ adapter: pgliteAdapter(pglite) });
  registerRawSql(prisma, pgliteRawSql(pglite));
  let closed = false;
  return {
    prisma,
    kind: "pglite",
    where: inMemory ? "memory" : path.resolve(dir),
    sql,
    migrate: () => applyMigrations(sql),
    status: () => migrationStatus(sql),
    dumpDataDir: () => pglite.dumpDataDir("gzip"),
    async close() {
      if (closed) return;
      closed = true;
      try {
        await prisma.$disconnect();
        await pglite.close();
      } finally {
        unlock();
      }
    },
  };
}

async function openServer(url: string, options: OpenOptions): Promise<Database> {
  if (!/^postgres(ql)?:\/\//.test(url)) {
    throw new Error(`DATABASE_URL must start with postgresql:// (got ${redactUrl(url)})`);
  }
  // Keep the session in UTC: the pg adapter has known timestamptz bugs in other zones.
  const max = options.poolSize ?? 10;
  const pool = new pg.Pool({
    connectionString: url,
    max,
    // Connections once opened stay open: each holds its prepared statements and the plans of the
    // SQL functions it ran (src/db/raw.ts), which a fresh connection would build again in the middle of
    // the next burst of commands. (pg's default closes them after 10 s idle.)
    min: max,
    options: "-c TimeZone=UTC",
    connectionTimeoutMillis: 5_000,
  });
  // An idle client losing its server (e.g. PostgreSQL restarting) must not crash the process.
  pool.on("error", () => {});
  const prisma = new PrismaClient({ adapter: new PrismaPg(pool) });
  registerRawSql(prisma, poolRawSql(pool));
  const sql: SqlRunner = {
    exec: (s) => pool.query(s),
    query: async <T>(s: string, params?: unknown[]) => ({ rows: (await pool.query(s, params)).rows as T[] }),
  };
  let closed = false;
  return {
    prisma,
    kind: "postgres",
    where: redactUrl(url),
    sql,
    // BEGIN/COMMIT must run on one connection: take a dedicated client for the migration.
    async migrate() {
      const client = await pool.connect();
      try {
        return await applyMigrations({
          exec: (s) => client.query(s),
          query: async <T>(s: string, p?: unknown[]) => ({ rows: (await client.query(s, p)).rows as T[] }),
        });
      } finally {
        client.release();
      }
    },
    status: () => migrationStatus(sql),
    async close() {
      if (closed) return;
      closed = true;
      await prisma.$disconnect();
      await pool.end().catch(() => {});
    },
  };
}

/**
 * Awaits Prisma queries one after the other. Prisma's query promises are lazy (they run when awaited),
 * so this runs them in order on one connection: inside an interactive transaction `Promise.all` would
 * send concurrent queries down one pg client, which pg deprecates (and PGlite serialises anyway).
 */
export async function inOrder<T extends readonly unknown[]>(
  queries: T,
): Promise<{ -readonly [K in keyof T]: Awaited<T[K]> }> {
  const out: unknown[] = [];
  for (const q of queries) out.push(await q);
  return out as { -readonly [K in keyof T]: Awaited<T[K]> };
}
