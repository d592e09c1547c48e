/**
 * The text of `/log …`, parsed into a command. Pure: no database, no clock (dates stay tokens until
 * `resolveDate` is given "today").
 *
 * Syntax (after NFKC normalisation — full-width digits, letters, spaces and punctuation become ASCII — and
 * with control and zero-width characters removed; Slack's &amp; &lt; &gt; escapes are decoded):
 *   (empty)                                     → modal
 *   help | 帮助 | ?                              → help
 *   list [YYYY-MM]   (列表)                      → list
 *   undo             (撤销 | 撤回)               → undo
 *   submit [YYYY-MM] (提交)                      → submit
 *   temp <minutes> <description…> [similar:<item>]   (临时; 类似:<item>; minutes as 90, 90m, 90min,
 *                                                  90分钟, 2h, 2小时)
 *   <item> [count] [date] [note…]               → log
 * The item is the first token, or a quoted string ("…", “…”, 「…」) when its name has spaces. Count and
 * date may come in either order right after the item; the token right after the item, when it is not a
 * date, must be a count (so `/log invoice sales 3` is refused instead of logging "invoice" with a note);
 * after a count or a date, anything else starts the note. Count: a whole number 1…10000, optionally with a
 * unit (3笔, 3户, 3份, 3次, 3件, 3个, 3x, x3). Dates: 2026-11-20, 2026/11/20, 2026.11.20, 11-20, 11/20,
 * 11月20日, 今天/today, 昨天/yesterday, 前天.
 *
 * DomainError codes (i18n keys under "errors."), all thrown or returned by this module:
 *   log.tooLong          { length, max }   text longer than 2000 characters
 *   log.empty            {}                text that was only control/zero-width characters
 *   log.badItem          { value }         the item token has no letter, digit or CJK character (emoji,
 *                                          punctuation, `';`)
 *   log.countInvalid     { value, max }    count position holds something that is not a whole number
 *                                          (abc, 1e9, 1.5)
 *   log.countRange       { value, max }    a whole number outside 1…max (0, -3, 20000)
 *   log.badDate          { value }         a date-shaped token that is no real date (2026-13-40, 02-30)
 *   log.noteTooLong      { length, max }   note longer than 500 characters
 *   log.badMonth         { value }         list/submit with something that is not a month YYYY-MM
 *   log.unexpectedArgs   { command, extra } text after undo / help, or more than one month
 *   temp.badMinutes      { value, max }    temp without a whole number of minutes in 1…1440
 *   temp.noDescription   {}                temp without a description
 *   temp.descriptionTooLong { length, max } description longer than 500 characters
 *   log.unclosedQuote    { value }         an opening quote with no closing one
 */
import { isDate, shiftDate } from "../util/time.js";
import { DomainError } from "./errors.js";

export type DateToken =
  | { kind: "absolute"; date: string }
  | { kind: "relative"; daysAgo: number }
  | { kind: "monthDay"; month: number; day: number };

export type LogCommand =
  | { kind: "help" }
  | { kind: "modal" }
  | { kind: "list"; month?: string }
  | { kind: "undo" }
  | { kind: "submit"; month?: string }
  | { kind: "temp"; minutes: number; description: string; similar?: string }
  | { kind: "log"; itemQuery: string; count: number; date?: DateToken; note?: string };

export type ParseResult = { ok: true; command: LogCommand } | { ok: false; error: DomainError };

export const MAX_TEXT_LENGTH = 2000;
export const MAX_NOTE_LENGTH = 500;
export const MAX_COUNT = 10_000;
export const MAX_TEMP_MINUTES = 1440;
export const MAX_DESCRIPTION_LENGTH = 500;

// Control (Cc) and format (Cf: zero-width, BOM, bidi controls) characters; tabs and newlines become spaces first.
const CONTROL_RE = /[\p{Cc}\p{Cf}]/gu;

/**
 * Text as the domain stores it: NFKC-normalised, Slack's HTML escapes decoded, control and zero-width
 * characters removed, runs of whitespace collapsed to one space, trimmed.
 */
export function cleanText(text: string): string {
  return text
    .replace(/&lt;/g, "<")
    .replace(/&gt;/g, ">")
    .replace(/&amp;/g, "&")
    .normalize("NFKC")
    .replace(/[\t\n\r\v\f]/g, " ")
    .replace(CONTROL_RE, "")
    .replace(/\s+/g, " ")
    .trim();
}

const QUOTES: Record<string, string> = { '"': '"', "“": "”", "「": "」", "『": "』", "”": "”" };

interface Token {
  text: string;
  quoted: boolean;
  /** opened a quote that never closes (taken as plain text) */
  unclosed?: boolean;
  start: number;
  end: number;
}

/**
 * Splits on spaces. A token opening with a quote runs to its closing quote (spaces included); a quote
 * inside a token (similar:"发票 发售") also runs to its close. An unclosed quote is plain text.
 */
function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < text.length) {
    if (text[i] === " ") {
      i++;
      continue;
    }
    const open = QUOTES[text[i]!];
    const j0 = open ? text.indexOf(open, i + 1) : -1;
    if (open && j0 >= 0) {
      tokens.push({ text: text.slice(i + 1, j0).trim(), quoted: true, start: i, end: j0 + 1 });
      i = j0 + 1;
      continue;
    }
    const start = i;
    while (i < text.length && text[i] !== " ") {
      const close = i > start ? QUOTES[text[i]!] : undefined;
      const k = close ? text.indexOf(close, i + 1) : -1;
      i = k >= 0 ? k + 1 : i + 1;
    }
    tokens.push({ text: text.slice(start, i), quoted: false, unclosed: !!open, start, end: i });
  }
  return tokens;
}

function unquote(s: string): string {
  const close = QUOTES[s[0] ?? ""];
  return close && s.length >= 2 && s.endsWith(close) ? s.slice(1, -1).trim() : s;
}

const KEYWORDS: Record<string, "help" | "list" | "undo" | "submit" | "temp"> = {
  help: "help",
  帮助: "help",
  "?": "help",
  list: "list",
  列表: "list",
  undo: "undo",
  撤销: "undo",
  撤回: "undo",
  submit: "submit",
  提交: "submit",
  temp: "temp",
  临时: "temp",
};

/** Has at least one letter, digit or CJK ideograph (emoji and punctuation alone are no item). */
const MEANINGFUL_RE = /[\p{L}\p{N}]/u;

/** Shapes that mean "this is a date" (validity is checked afterwards). */
const ABS_DATE_RE = /^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})$/;
const MONTH_DAY_RE = /^(\d{1,2})[-/](\d{1,2})$/;
const CN_MONTH_DAY_RE = /^(?:(\d{4})年)?(\d{1,2})月(\d{1,2})[日号]?$/;
const RELATIVE: Record<string, number> = {
  今天: 0,
  今日: 0,
  today: 0,
  昨天: 1,
  昨日: 1,
  yesterday: 1,
  前天: 2,
};

function pad2(n: number): string {
  return String(n).padStart(2, "0");
}

/** A date token, `null` when the text is not date-shaped; throws log.badDate for an impossible date. */
export function parseDateToken(raw: string): DateToken | null {
  const t = raw.toLowerCase();
  if (t in RELATIVE) return { kind: "relative", daysAgo: RELATIVE[t]! };
  const abs = ABS_DATE_RE.exec(t);
  const md = abs ? null : MONTH_DAY_RE.exec(t);
  const cn = abs || md ? null : CN_MONTH_DAY_RE.exec(t);
  let year: number | undefined;
  let month: number;
  let day: number;
  if (abs) {
    year = Number(abs[1]);
    month = Number(abs[2]);
    day = Number(abs[3]);
  } else if (md) {
    month = Number(md[1]);
    day = Number(md[2]);
  } else if (cn) {
    year = cn[1] ? Number(cn[1]) : undefined;
    month = Number(cn[2]);
    day = Number(cn[3]);
  } else {
    return null;
  }
  if (month < 1 || month > 12 || day < 1 || day > 31) throw new DomainError("log.badDate", { value: raw });
  if (year !== undefined) {
    const date = `${year}-${pad2(month)}-${pad2(day)}`;
    if (!isDate(date)) throw new DomainError("log.badDate", { value: raw });
    return { kind: "absolute", date };
  }
  // 02-29 may exist (leap years): resolveDate checks it against the year it lands in.
  if (day > [31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1]!) {
    throw new DomainError("log.badDate", { value: raw });
  }
  return { kind: "monthDay", month, day };
}

/**
 * The date a token means, given today ("YYYY-MM-DD" in the configured zone). No token → today. A month-day
 * in the future this year means last year (12-28 typed on 2027-01-03 → 2026-12-28). Throws log.badDate for
 * a date that does not exist (2026-13-40, 02-30, 02-29 outside a leap year).
 */
export function resolveDate(token: DateToken | undefined, today: string): string {
  if (!token) return today;
  switch (token.kind) {
    case "absolute":
      if (!isDate(token.date)) throw new DomainError("log.badDate", { value: token.date });
      return token.date;
    case "relative":
      if (!Number.isInteger(token.daysAgo) || token.daysAgo < 0 || token.daysAgo > 366) {
        throw new DomainError("log.badDate", { value: `-${token.daysAgo}` });
      }
      return shiftDate(today, -token.daysAgo);
    case "monthDay": {
      const value = `${pad2(token.month)}-${pad2(token.day)}`;
      let year = Number(today.slice(0, 4));
      let date = `${year}-${value}`;
      if (date > today) {
        year -= 1;
        date = `${year}-${value}`;
      }
      if (!isDate(date)) throw new DomainError("log.badDate", { value });
      return date;
    }
  }
}

const COUNT_RE = /^(?:[x×*](\d+)|(\d+)(?:笔|户|份|次|件|个|x|×)?)$/i;
/** Looks like an attempt at a number (so it is in count position even after a date). */
const NUMBERISH_RE = /^[-+−]?[\d.]/;

/** A count, or a DomainError naming why the token is not one. */
export function parseCount(raw: string): number {
  const m = COUNT_RE.exec(raw);
  if (!m) {
    if (/^[-+−]\d+$/.test(raw)) throw new DomainError("log.countRange", { value: raw, max: MAX_COUNT });
    throw new DomainError("log.countInvalid", { value: raw, max: MAX_COUNT });
  }
  const digits = m[1] ?? m[2]!;
  const n = digits.length > 6 ? Number.POSITIVE_INFINITY : Number(digits);
  if (n < 1 || n > MAX_COUNT) throw new DomainError("log.countRange", { value: raw, max: MAX_COUNT });
  return n;
}

function parseMonthArg(raw: string): string {
  const m = /^(\d{4})[-/.年](\d{1,2})月?$/.exec(raw);
  const month = m ? Number(m[2]) : 0;
  if (!m || month < 1 || month > 12) throw new DomainError("log.badMonth", { value: raw });
  return `${m[1]}-${pad2(month)}`;
}

/** Minutes as 90, 90m, 90min, 90分钟, 90分, 2h, 2小时; null when not minutes-shaped. */
function parseMinutes(raw: string): number | null {
  const m = /^(\d+)(m|min|mins|minutes?|分钟|分|h|hr|hrs|hours?|小时)?$/i.exec(raw);
  if (!m) return null;
  const unit = (m[2] ?? "").toLowerCase();
  const hours = unit.startsWith("h") || unit === "小时";
  const n = m[1]!.length > 6 ? Number.POSITIVE_INFINITY : Number(m[1]) * (hours ? 60 : 1);
  return n;
}

const SIMILAR_RE = /^(?:similar|类似|相似)[:：](.*)$/i;

function parseTemp(rest: Token[], clean: string): LogCommand {
  const first = rest[0];
  const minutes = first && !first.quoted ? parseMinutes(first.text) : null;
  if (minutes === null || minutes < 1 || minutes > MAX_TEMP_MINUTES) {
    throw new DomainError("temp.badMinutes", { value: first?.text ?? "", max: MAX_TEMP_MINUTES });
  }
  let similar: string | undefined;
  const words: string[] = [];
  for (let i = 1; i < rest.length; i++) {
    const tok = rest[i]!;
    const m = tok.quoted ? null : SIMILAR_RE.exec(tok.text);
    if (m) {
      // similar:"发票 发售" is one token; `similar: "发票 发售"` is `similar:` then a quoted token
      let value = unquote(m[1]!.trim());
      if (value === "" && rest[i + 1]?.quoted) value = rest[++i]!.text;
      if (value) similar = value;
      continue;
    }
    words.push(clean.slice(tok.start, tok.end));
  }
  const description = words.join(" ").trim();
  if (!description) throw new DomainError("temp.noDescription", {});
  if (description.length > MAX_DESCRIPTION_LENGTH) {
    throw new DomainError("temp.descriptionTooLong", {
      length: description.length,
      max: MAX_DESCRIPTION_LENGTH,
    });
  }
  return similar ? { kind: "temp", minutes, description, similar } : { kind: "temp", minutes, description };
}

function parseInner(text: string): LogCommand {
  if (text.length > MAX_TEXT_LENGTH) {
    throw new DomainError("log.tooLong", { length: text.length, max: MAX_TEXT_LENGTH });
  }
  const clean = cleanText(text);
  if (!clean) {
    if (text.trim() === "") return { kind: "modal" };
    throw new DomainError("log.empty", {});
  }
  const tokens = tokenize(clean);
  const head = tokens[0]!;
  if (head.unclosed) throw new DomainError("log.unclosedQuote", { value: head.text.slice(0, 40) });
  const keyword = head.quoted ? undefined : KEYWORDS[head.text.toLowerCase()];
  const rest = tokens.slice(1);
  const extra = () => clean.slice(rest[0]!.start);
  switch (keyword) {
    case "help":
    case "undo":
      if (rest.length) throw new DomainError("log.unexpectedArgs", { command: keyword, extra: extra() });
      return { kind: keyword };
    case "list":
    case "submit": {
      if (rest.length > 1) throw new DomainError("log.unexpectedArgs", { command: keyword, extra: extra() });
      const month = rest[0] ? parseMonthArg(rest[0].text) : undefined;
      return month ? { kind: keyword, month } : { kind: keyword };
    }
    case "temp":
      return parseTemp(rest, clean);
    default:
      break;
  }

  const itemQuery = head.text;
  if (!MEANINGFUL_RE.test(itemQuery)) throw new DomainError("log.badItem", { value: itemQuery });
  let count: number | undefined;
  let date: DateToken | undefined;
  let i = 1;
  for (; i < tokens.length && i <= 2; i++) {
    const tok = tokens[i]!;
    if (tok.quoted) break;
    const asDate = date ? null : parseDateToken(tok.text);
    if (asDate) {
      date = asDate;
      continue;
    }
    // Right after the item a non-date token must be the count; after a count or date, only number-like
    // tokens are read as a count (so "昨天 客户急件" is a date and a note).
    if (count === undefined && (i === 1 || NUMBERISH_RE.test(tok.text))) {
      count = parseCount(tok.text);
      continue;
    }
    break;
  }
  const note = i < tokens.length ? clean.slice(tokens[i]!.start).trim() : "";
  if (note.length > MAX_NOTE_LENGTH) {
    throw new DomainError("log.noteTooLong", { length: note.length, max: MAX_NOTE_LENGTH });
  }
  const command: LogCommand = { kind: "log", itemQuery, count: count ?? 1 };
  if (date) command.date = date;
  if (note) command.note = note;
  return command;
}

export function parseLogCommand(text: string): ParseResult {
  try {
    return { ok: true, command: parseInner(text ?? "") };
  } catch (e) {
    if (e instanceof DomainError) return { ok: false, error: e };
    throw e;
  }
}
