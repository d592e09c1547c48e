import { describe, expect, it } from "vitest";
import { type LogCommand, parseLogCommand, resolveDate } from "../../src/domain/command-parse.js";
import { DomainError } from "../../src/domain/errors.js";

function ok(text: string): LogCommand {
  const r = parseLogCommand(text);
  if (!r.ok) throw new Error(`expected ${JSON.stringify(text)} to parse, got ${r.error.message}`);
  return r.command;
}

function err(text: string): { code: string; params: Record<string, unknown> } {
  const r = parseLogCommand(text);
  if (r.ok) throw new Error(`expected ${JSON.stringify(text)} to fail, got ${JSON.stringify(r.command)}`);
  expect(r.error).toBeInstanceOf(DomainError);
  return { code: r.error.code, params: r.error.params };
}

describe("parseLogCommand: sub-commands", () => {
  it.each<[string, LogCommand]>([
    ["", { kind: "modal" }],
    ["   ", { kind: "modal" }],
    ["help", { kind: "help" }],
    ["HELP", { kind: "help" }],
    ["帮助", { kind: "help" }],
    ["list", { kind: "list" }],
    ["list 2026-10", { kind: "list", month: "2026-10" }],
    ["list 2026/9", { kind: "list", month: "2026-09" }],
    ["列表 2026年10月", { kind: "list", month: "2026-10" }],
    ["undo", { kind: "undo" }],
    ["撤销", { kind: "undo" }],
    ["submit", { kind: "submit" }],
    ["submit 2026-10", { kind: "submit", month: "2026-10" }],
    ["提交 ２０２６－１０", { kind: "submit", month: "2026-10" }],
    ["temp 90 帮局里搬家", { kind: "temp", minutes: 90, description: "帮局里搬家" }],
    [
      "temp 2h moving the archive room",
      { kind: "temp", minutes: 120, description: "moving the archive room" },
    ],
    [
      "临时 30分钟 接待检查 类似:SV003",
      { kind: "temp", minutes: 30, description: "接待检查", similar: "SV003" },
    ],
    [
      'temp 45m sorting files similar:"Archive filing" urgent',
      { kind: "temp", minutes: 45, description: "sorting files urgent", similar: "Archive filing" },
    ],
  ])("%j", (text, expected) => {
    expect(ok(text)).toEqual(expected);
  });
});

describe("parseLogCommand: log lines", () => {
  it.each<[string, LogCommand]>([
    ["SV001", { kind: "log", itemQuery: "SV001", count: 1 }],
    ["fpfs 3", { kind: "log", itemQuery: "fpfs", count: 3 }],
    [
      "发票发售 3 昨天",
      { kind: "log", itemQuery: "发票发售", count: 3, date: { kind: "relative", daysAgo: 1 } },
    ],
    [
      "发票发售 昨天 3",
      { kind: "log", itemQuery: "发票发售", count: 3, date: { kind: "relative", daysAgo: 1 } },
    ],
    [
      "SV001 2 yesterday",
      { kind: "log", itemQuery: "SV001", count: 2, date: { kind: "relative", daysAgo: 1 } },
    ],
    ["SV001 2 前天", { kind: "log", itemQuery: "SV001", count: 2, date: { kind: "relative", daysAgo: 2 } }],
    ["SV001 today", { kind: "log", itemQuery: "SV001", count: 1, date: { kind: "relative", daysAgo: 0 } }],
    [
      "SV001 5 2026-11-20",
      { kind: "log", itemQuery: "SV001", count: 5, date: { kind: "absolute", date: "2026-11-20" } },
    ],
    [
      "SV001 5 11-20",
      { kind: "log", itemQuery: "SV001", count: 5, date: { kind: "monthDay", month: 11, day: 20 } },
    ],
    [
      "SV001 5 11/20",
      { kind: "log", itemQuery: "SV001", count: 5, date: { kind: "monthDay", month: 11, day: 20 } },
    ],
    [
      "SV001 11月20日 2",
      { kind: "log", itemQuery: "SV001", count: 2, date: { kind: "monthDay", month: 11, day: 20 } },
    ],
    [
      "SV001 3 昨天 客户急件 加班处理",
      {
        kind: "log",
        itemQuery: "SV001",
        count: 3,
        date: { kind: "relative", daysAgo: 1 },
        note: "客户急件 加班处理",
      },
    ],
    ["SV001 3 taxpayers waited", { kind: "log", itemQuery: "SV001", count: 3, note: "taxpayers waited" }],
    [
      "SV001 昨天 客户急件",
      { kind: "log", itemQuery: "SV001", count: 1, date: { kind: "relative", daysAgo: 1 }, note: "客户急件" },
    ],
    ["SV001 3笔", { kind: "log", itemQuery: "SV001", count: 3 }],
    ["SV001 x4", { kind: "log", itemQuery: "SV001", count: 4 }],
    ['"Invoice sales" 2', { kind: "log", itemQuery: "Invoice sales", count: 2 }],
    ["“发票 发售” 2", { kind: "log", itemQuery: "发票 发售", count: 2 }],
    // full-width digits and spaces (NFKC)
    ["ＳＶ００１　１２", { kind: "log", itemQuery: "SV001", count: 12 }],
    // control characters stripped, newlines are spaces
    [
      "SV001\u0000 2\n昨天\u200b",
      { kind: "log", itemQuery: "SV001", count: 2, date: { kind: "relative", daysAgo: 1 } },
    ],
    // emoji in a note is plain text
    ["SV001 1 done 🎉", { kind: "log", itemQuery: "SV001", count: 1, note: "done 🎉" }],
    // SQL-like text is plain text (quoted item; it will simply match no item)
    [`"'; DROP TABLE Entry; --" 1`, { kind: "log", itemQuery: "'; DROP TABLE Entry; --", count: 1 }],
    [
      'SV001 1 \'; DROP TABLE "Entry"; --',
      { kind: "log", itemQuery: "SV001", count: 1, note: `'; DROP TABLE "Entry"; --` },
    ],
    // Slack escapes
    ["SV001 1 A &amp; B &lt;x&gt;", { kind: "log", itemQuery: "SV001", count: 1, note: "A & B <x>" }],
    ["SV001 10000", { kind: "log", itemQuery: "SV001", count: 10000 }],
  ])("%j", (text, expected) => {
    expect(ok(text)).toEqual(expected);
  });
});

describe("parseLogCommand: refusals name the problem", () => {
  it.each<[string, string, Record<string, unknown>]>([
    ["SV001 -3", "log.countRange", { value: "-3", max: 10000 }],
    ["SV001 0", "log.countRange", { value: "0", max: 10000 }],
    ["SV001 10001", "log.countRange", { value: "10001", max: 10000 }],
    ["SV001 99999999999999999999", "log.countRange", { value: "99999999999999999999", max: 10000 }],
    ["SV001 1e9", "log.countInvalid", { value: "1e9", max: 10000 }],
    ["SV001 1.5", "log.countInvalid", { value: "1.5", max: 10000 }],
    ["SV001 abc", "log.countInvalid", { value: "abc", max: 10000 }],
    ["invoice sales 3", "log.countInvalid", { value: "sales", max: 10000 }],
    ["SV001 昨天 -3", "log.countRange", { value: "-3", max: 10000 }],
    ["SV001 2026-13-40", "log.badDate", { value: "2026-13-40" }],
    ["SV001 3 2026-02-30", "log.badDate", { value: "2026-02-30" }],
    ["SV001 3 02-30", "log.badDate", { value: "02-30" }],
    ["SV001 3 13/01", "log.badDate", { value: "13/01" }],
    ["🎉", "log.badItem", { value: "🎉" }],
    [`'; DROP TABLE "Entry"; --`, "log.badItem", { value: "';" }],
    ['"发票 2', "log.unclosedQuote", { value: '"发票' }],
    ["list abc", "log.badMonth", { value: "abc" }],
    ["submit 2026-13", "log.badMonth", { value: "2026-13" }],
    ["undo 3", "log.unexpectedArgs", { command: "undo", extra: "3" }],
    ["list 2026-10 2026-11", "log.unexpectedArgs", { command: "list", extra: "2026-10 2026-11" }],
    ["temp", "temp.badMinutes", { value: "", max: 1440 }],
    ["temp abc 帮忙", "temp.badMinutes", { value: "abc", max: 1440 }],
    ["temp 0 帮忙", "temp.badMinutes", { value: "0", max: 1440 }],
    ["temp 1441 帮忙", "temp.badMinutes", { value: "1441", max: 1440 }],
    ["temp 30", "temp.noDescription", {}],
    ["\u0000\u0001", "log.empty", {}],
  ])("%j → %s", (text, code, params) => {
    const e = err(text);
    expect(e.code).toBe(code);
    expect(e.params).toEqual(params);
  });

  it("refuses text over 2000 characters (a 5,000-character paste)", () => {
    const e = err(`SV001 1 ${"很".repeat(4992)}`);
    expect(e).toEqual({ code: "log.tooLong", params: { length: 5000, max: 2000 } });
  });

  it("refuses a note over 500 characters", () => {
    const e = err(`SV001 1 ${"x".repeat(501)}`);
    expect(e).toEqual({ code: "log.noteTooLong", params: { length: 501, max: 500 } });
  });

  it("refuses a temp description over 500 characters", () => {
    expect(err(`temp 10 ${"x".repeat(501)}`).code).toBe("temp.descriptionTooLong");
  });
});

describe("resolveDate", () => {
  it.each<[Parameters<typeof resolveDate>[0], string, string]>([
    [undefined, "2026-11-20", "2026-11-20"],
    [{ kind: "relative", daysAgo: 0 }, "2026-11-20", "2026-11-20"],
    [{ kind: "relative", daysAgo: 1 }, "2026-11-01", "2026-10-31"],
    [{ kind: "relative", daysAgo: 2 }, "2026-03-01", "2026-02-27"],
    [{ kind: "absolute", date: "2026-11-02" }, "2026-11-20", "2026-11-02"],
    [{ kind: "monthDay", month: 11, day: 2 }, "2026-11-20", "2026-11-02"],
    [{ kind: "monthDay", month: 12, day: 28 }, "2027-01-03", "2026-12-28"],
    [{ kind: "monthDay", month: 2, day: 29 }, "2028-03-01", "2028-02-29"],
  ])("%j on %s → %s", (token, today, expected) => {
    expect(resolveDate(token, today)).toBe(expected);
  });

  it("throws log.badDate for impossible dates", () => {
    expect(() => resolveDate({ kind: "absolute", date: "2026-13-40" }, "2026-11-20")).toThrow(DomainError);
    expect(() => resolveDate({ kind: "monthDay", month: 2, day: 30 }, "2026-11-20")).toThrow(/log.badDate/);
    expect(() => resolveDate({ kind: "monthDay", month: 2, day: 29 }, "2026-11-20")).toThrow(/log.badDate/);
  });
});
