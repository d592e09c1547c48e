/**
 * With TEST_DB=postgres: create a fresh template database for this run, migrate it in process, and drop
 * it (and any test database left behind) at the end. Nothing to do for PGlite.
 */
import { randomBytes } from "node:crypto";
import pg from "pg";
import type { TestProject } from "vitest/node";
import { applyMigrations } from "../src/db/migrate.js";
import { adminQuery, pgUrlFor, usingPostgres } from "./helpers/db.js";

export default async function setup(project: TestProject) {
  if (!usingPostgres) return;
  const name = `kpi_tpl_${randomBytes(5).toString("hex")}`;
  await adminQuery(`CREATE DATABASE "${name}"`);
  const client = new pg.Client({ connectionString: pgUrlFor(name) });
  await client.connect();
  try {
    await applyMigrations({
      exec: (s) => client.query(s),
      query: async <T>(s: string, p?: unknown[]) => ({ rows: (await client.query(s, p)).rows as T[] }),
    });
  } finally {
    await client.end();
  }
  process.env.TEST_PG_TEMPLATE = name;
  project.provide("pgTemplate", name);
  return async () => {
    await adminQuery(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
  };
}

declare module "vitest" {
  export interface ProvidedContext {
    pgTemplate: string;
  }
}
