/** The raw driver's bulk load (COPY, text format) on the database under test: values come back as written. */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Database } from "../../src/db/client.js";
import { copyText, rawSqlOf } from "../../src/db/raw.js";
import { createTestDatabase, usingPostgres } from "../helpers/db.js";

let db: Database;
beforeAll(async () => {
  db = await createTestDatabase();
});
afterAll(async () => {
  await db?.close();
});

describe("copyText", () => {
  it("writes null as \\N and escapes backslash, tab, newline and carriage return", () => {
    expect(copyText(null)).toBe("\\N");
    expect(copyText("plain 文本")).toBe("plain 文本");
    expect(copyText('a\\b\tc\nd\re"')).toBe('a\\\\b\\tc\\nd\\re"');
    // the text "\N" is not null
    expect(copyText("\\N")).toBe("\\\\N");
  });
});

describe(`copyFrom (${usingPostgres ? "PostgreSQL" : "PGlite"})`, () => {
  const values = [
    "plain",
    "税务 ✓",
    'quote " and \\ backslash',
    "tab\there",
    "line\nbreak\r\n",
    "\\N",
    JSON.stringify({ reason: 'said "no"\n\tand left \\' }),
    "",
  ];

  it("loads rows streamed in chunks, each value as it was, nulls as null", async () => {
    const raw = rawSqlOf(db.prisma)!;
    const read = await raw.transaction(async (tx) => {
      await tx.execute(`CREATE TEMP TABLE copied (n int, v text, j json) ON COMMIT DROP`);
      function* chunks() {
        // several rows per chunk, and a chunk per row: a chunk is any number of whole rows
        yield values
          .slice(0, 3)
          .map((v, i) => `${i}\t${copyText(v)}\t${copyText(JSON.stringify(v))}\n`)
          .join("");
        for (let i = 3; i < values.length; i++)
          yield `${i}\t${copyText(values[i]!)}\t${copyText(JSON.stringify(values[i]))}\n`;
        yield `${values.length}\t${copyText(null)}\t${copyText(null)}\n`;
      }
      const n = await tx.copyFrom("copied", ["n", "v", "j"], chunks());
      expect(n).toBe(values.length + 1);
      return tx.query<{ n: number; v: string | null; j: unknown }>(`SELECT n, v, j FROM copied ORDER BY n`);
    });
    expect(read).toEqual([...values.map((v, n) => ({ n, v, j: v })), { n: values.length, v: null, j: null }]);
  });

  it("a row the table refuses fails the COPY, and the transaction rolls back whole", async () => {
    const raw = rawSqlOf(db.prisma)!;
    await raw.transaction((tx) => tx.execute(`CREATE TABLE copy_refused (n int PRIMARY KEY)`));
    try {
      await expect(
        raw.transaction(async (tx) => {
          await tx.execute(`INSERT INTO copy_refused VALUES (100)`);
          await tx.copyFrom("copy_refused", ["n"], ["1\n2\n", "2\n"]);
        }),
      ).rejects.toThrow(/duplicate key/);
      const left = await raw.transaction((tx) => tx.query<{ n: number }>(`SELECT n FROM copy_refused`));
      expect(left).toEqual([]);
      // the connection is usable afterwards
      expect(await raw.transaction((tx) => tx.query<{ one: number }>(`SELECT 1 AS one`))).toEqual([
        { one: 1 },
      ]);
    } finally {
      await raw.transaction((tx) => tx.execute(`DROP TABLE copy_refused`));
    }
  });
});
