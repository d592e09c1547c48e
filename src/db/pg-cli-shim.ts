/**
 * A pg.Pool for the Prisma CLI only (used by prisma.config.ts), never by the running app.
 *
 * Why: Prisma 6.19's WebAssembly schema engine introspects PostgreSQL catalog tables whose columns have
 * built-in types the 6.19 pg driver adapter cannot map (`name`, OID 19; `"char"`, OID 18; and a few
 * others such as oidvector). The adapter then refuses the query ("Column type 'name' could not be
 * deserialized"), so `migrate deploy/status/dev` fail on a server. Reporting every built-in OID the
 * adapter does not know as `text` (OID 25) lets the CLI work; the values arrive as text anyway.
 * See ../shared/notes/prisma-offline.md. Tested by test/db/migrations.test.ts (migrate deploy on a
 * fresh PostgreSQL database through the CLI).
 */
import pg from "pg";

/** OIDs @prisma/adapter-pg 6.19 maps itself (scalar and array types). */
const KNOWN_OIDS = new Set<number>([
  16, 17, 20, 21, 23, 25, 26, 114, 142, 650, 700, 701, 790, 869, 1042, 1043, 1082, 1083, 1114, 1184, 1266,
  1560, 1562, 1700, 2950, 3802,
  // arrays
  143, 199, 651, 791, 1000, 1001, 1002, 1005, 1007, 1009, 1014, 1015, 1016, 1021, 1022, 1041, 1115, 1182,
  1183, 1185, 1231, 1270, 1561, 1563, 2951, 3807,
]);
/** PostgreSQL's first OID for user-defined objects (enums etc. are handled by the adapter). */
const FIRST_NORMAL_OBJECT_ID = 16384;
const TEXT_OID = 25;

type Field = { dataTypeID: number };

function patchFields(result: unknown): unknown {
  const results = Array.isArray(result) ? result : [result];
  for (const r of results) {
    const fields = (r as { fields?: Field[] } | undefined)?.fields;
    if (!fields) continue;
    for (const f of fields) {
      if (f.dataTypeID < FIRST_NORMAL_OBJECT_ID && !KNOWN_OIDS.has(f.dataTypeID)) f.dataTypeID = TEXT_OID;
    }
  }
  return result;
}

class ShimClient extends pg.Client {
  // biome-ignore lint/suspicious/noExplicitAny: pg's overloaded query signature
  override query(...args: any[]): any {
    const last = args[args.length - 1];
    if (typeof last === "function") {
      // callback style (what pg.Pool#query uses)
      // biome-ignore lint/suspicious/noExplicitAny: pg's callback signature
      args[args.length - 1] = (err: unknown, res: any) => last(err, err ? res : patchFields(res));
    }
    // biome-ignore lint/suspicious/noExplicitAny: forwarding the same overloads
    const out = (super.query as any)(...args);
    if (out && typeof out.then === "function") return out.then(patchFields);
    return out;
  }
}

export function createCliPool(connectionString: string): pg.Pool {
  return new pg.Pool({ connectionString, Client: ShimClient, max: 4, idleTimeoutMillis: 1000 });
}

type ScriptAdapter = { executeScript(script: string): Promise<void>; onError?: (e: unknown) => never };

/**
 * The 6.19 pg adapter also runs a migration script by splitting it on every ";", which breaks
 * dollar-quoted function bodies (our append-only audit trigger). Send the script whole instead: the
 * simple query protocol runs several statements in one call.
 */
function wholeScripts<T extends ScriptAdapter>(adapter: T, pool: pg.Pool): T {
  adapter.executeScript = async (script: string) => {
    try {
      await pool.query(script);
    } catch (error) {
      if (adapter.onError) adapter.onError(error);
      throw error;
    }
  };
  return adapter;
}

/** The driver adapter factory prisma.config.ts hands to the CLI for a PostgreSQL server. */
export async function createCliAdapterFactory(connectionString: string) {
  const { PrismaPg } = await import("@prisma/adapter-pg");
  const pool = createCliPool(connectionString);
  const factory = new PrismaPg(pool, { disposeExternalPool: true });
  const connect = factory.connect.bind(factory);
  factory.connect = async () => wholeScripts((await connect()) as unknown as ScriptAdapter, pool) as never;
  // The stock shadow database connects with `{...pool.options, database}`, but a connectionString in
  // the options wins over `database`, so the "shadow" would be the real database. Build it ourselves.
  factory.connectToShadowDb = async () => {
    const name = `prisma_migrate_shadow_db_${globalThis.crypto.randomUUID().replaceAll("-", "")}`;
    await pool.query(`CREATE DATABASE "${name}"`);
    const shadowUrl = new URL(connectionString);
    shadowUrl.pathname = `/${name}`;
    const shadowPool = createCliPool(shadowUrl.toString());
    const shadowFactory = new PrismaPg(shadowPool, { disposeExternalPool: true });
    const shadow = (await shadowFactory.connect()) as unknown as ScriptAdapter & { dispose(): Promise<void> };
    const dispose = shadow.dispose.bind(shadow);
    shadow.dispose = async () => {
      await dispose();
      await pool.query(`DROP DATABASE IF EXISTS "${name}"`);
    };
    return wholeScripts(shadow, shadowPool) as never;
  };
  return factory;
}
