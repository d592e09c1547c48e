/**
 * What the playground page needs to know about the workspace: the people (from the scheme's database,
 * with their roles, for the user switcher and as the emulator's Slack users) and the slash commands (from
 * manifest.yml, for the message box's suggestions).
 */
import { readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import type { Db } from "../db/client.js";
import type { FakeUser } from "../emulator/index.js";

export interface PersonCard {
  id: string;
  name: string;
  nameEn: string | null;
  locale: string | null;
  roles: string[];
  section: { code: string; name: string; nameEn: string | null } | null;
  category: string | null;
}

const ROLE_ORDER = ["STAFF", "SECTION_CHIEF", "ASSESSMENT_GROUP", "BRANCH_CHIEF", "ADMIN"];

/** Active people, ordered by Slack id (the demo organisation: U0DEMO01 … U0DEMO14). */
export async function loadPeople(db: Db): Promise<PersonCard[]> {
  const rows = await db.person.findMany({
    where: { active: true },
    include: { roles: true, section: true },
    orderBy: { slackUserId: "asc" },
  });
  return rows.map((p) => ({
    id: p.slackUserId,
    name: p.name,
    nameEn: p.nameEn,
    locale: p.locale,
    roles: p.roles.map((r) => String(r.role)).sort((a, b) => ROLE_ORDER.indexOf(a) - ROLE_ORDER.indexOf(b)),
    section: p.section ? { code: p.section.code, name: p.section.name, nameEn: p.section.nameEn } : null,
    category: p.categoryCode,
  }));
}

/** The Slack user the emulator knows for a person (Slack locale: the person's, else Chinese). */
export function fakeUserOf(p: PersonCard): FakeUser {
  const handle = (p.nameEn ?? p.id)
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, ".")
    .replace(/^\.|\.$/g, "");
  return {
    id: p.id,
    name: handle || p.id.toLowerCase(),
    realName: p.name,
    displayName: p.nameEn ?? p.name,
    locale: p.locale === "en" ? "en-US" : "zh-CN",
    tz: "Asia/Shanghai",
  };
}

export interface CommandHint {
  /** what the box is filled with, e.g. "/log list" */
  insert: string;
  /** the command, e.g. "/log" */
  command: string;
  description: string;
  /** usage shown beside it */
  usage: string;
  /** manifest `should_escape`: @mentions in the text arrive as <@U…|handle> */
  escape: boolean;
}

const MANIFEST = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../manifest.yml");

/**
 * The slash commands of manifest.yml (command, description, usage_hint), each followed by its
 * subcommands: the alternatives of the usage hint that start with a word ("list", "lang en|zh|auto").
 */
export function loadCommandHints(file = MANIFEST): CommandHint[] {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch {
    return [];
  }
  const out: CommandHint[] = [];
  const blocks = text.split(/\n\s*-\s+command:\s*/).slice(1);
  for (const block of blocks) {
    const command = block.split("\n")[0]!.trim();
    const field = (name: string) => {
      const m = new RegExp(`\\n\\s*${name}:\\s*(.*)`).exec(block);
      return m ? m[1]!.trim().replace(/^"(.*)"$/, "$1") : "";
    };
    const description = field("description");
    const usage = field("usage_hint");
    const escapes = field("should_escape") === "true";
    out.push({ insert: `${command} `, command, description, usage, escape: escapes });
    const alternatives = usage
      .replace(/^\[(.*)\]$/, "$1")
      .split(/\s+\|\s+/)
      .map((s) => s.trim())
      .filter((s) => /^[a-z]/.test(s));
    for (const alt of alternatives) {
      const word = alt.split(/\s+/)[0]!;
      const rest = alt.slice(word.length).trim();
      out.push({
        insert: `${command} ${word}${rest ? " " : ""}`,
        command,
        description,
        usage: `${word} ${rest}`.trim(),
        escape: escapes,
      });
    }
  }
  return out;
}

/**
 * What Slack's client does with a mention picked from its autocomplete: `@zhang.wei` becomes
 * `<@U0DEMO05|zhang.wei>` (in messages always, in slash commands when the manifest says `should_escape`).
 * Unknown handles stay as typed.
 */
export function escapeMentions(text: string, users: Iterable<FakeUser>): string {
  const byHandle = new Map<string, FakeUser>();
  for (const u of users) byHandle.set(u.name.toLowerCase(), u);
  return text.replace(
    /(^|[\s(])@([a-z0-9][a-z0-9._-]*[a-z0-9]|[a-z0-9])/gi,
    (m, pre: string, handle: string) => {
      const u = byHandle.get(handle.toLowerCase());
      return u ? `${pre}<@${u.id}|${u.name}>` : m;
    },
  );
}
