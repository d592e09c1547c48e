/**
 * Block Kit in the browser: a message holding every block and element the page renders (header, section
 * with fields and accessory, context, divider, image, actions with primary/danger buttons, static and
 * external selects, datepicker, overflow), posted by the bot's own Web API client into the emulator; and a
 * modal stack (the log form pushes its plausibility confirmation with `response_action: push`).
 */

import { pino } from "pino";
import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadConfig } from "../../src/config.js";
import { type Playground, startPlayground } from "../../src/playground/index.js";
import { createTestDatabase } from "../helpers/db.js";
import { launchBrowser, screenshots } from "./playground.js";

const STAFF = "U0DEMO05";
let pg: Playground;
let db: Awaited<ReturnType<typeof createTestDatabase>>;
let browser: Awaited<ReturnType<typeof launchBrowser>>;
let page: Page;

beforeAll(async () => {
  db = await createTestDatabase();
  pg = await startPlayground({
    config: loadConfig({ LOG_LEVEL: "silent" }),
    logger: pino({ level: "silent" }),
    port: 0,
    database: db,
  });
  await pg.ready;
  browser = await launchBrowser();
  page = browser.context.pages()[0] ?? (await browser.context.newPage());
});

afterAll(async () => {
  try {
    await browser?.close();
  } finally {
    await pg?.stop();
    await db?.close();
  }
});

// a 24×24 PNG (blue square)
const PNG = Buffer.from(
  "iVBORw0KGgoAAAANSUhEUgAAABgAAAAYCAIAAABvFaqvAAAAHklEQVR42mNkaPjPQAXARA1DRg0aNWjUoFGDRoAGAOEfAhBbtpc5AAAAAElFTkSuQmCC",
  "base64",
);

describe("Block Kit rendering", () => {
  it("renders every block and element of a bot message", async () => {
    const client = pg.runtime()!.app.app.client;
    const upload = await client.files.uploadV2({ file: PNG, filename: "square.png", title: "Square" });
    const fileId = (upload as unknown as { files: { files?: { id: string }[] }[] }).files[0]?.files?.[0]?.id;
    if (!fileId) throw new Error("the upload returned no file id");
    const text = { type: "plain_text" as const, text: "Pick" };
    await client.chat.postMessage({
      channel: STAFF,
      text: "Block Kit gallery",
      blocks: [
        { type: "header", text: { type: "plain_text", text: "Results 2026-10" } },
        {
          type: "section",
          text: {
            type: "mrkdwn",
            text: "*Bold*, _italic_, ~struck~, `code` and <https://example.org|a link>",
          },
          fields: [
            { type: "mrkdwn", text: "*Rank*\n1" },
            { type: "mrkdwn", text: "*Final*\n103.00" },
          ],
          accessory: { type: "button", action_id: "g_open", text: { type: "plain_text", text: "Open" } },
        },
        {
          type: "section",
          text: { type: "mrkdwn", text: "With an image" },
          accessory: { type: "image", slack_file: { id: fileId }, alt_text: "square" },
        },
        {
          type: "context",
          elements: [
            { type: "image", slack_file: { id: fileId }, alt_text: "icon" },
            { type: "mrkdwn", text: "Published by <@U0DEMO01>" },
          ],
        },
        { type: "divider" },
        {
          type: "image",
          slack_file: { id: fileId },
          alt_text: "chart",
          title: { type: "plain_text", text: "Chart" },
        },
        {
          type: "actions",
          block_id: "gallery_actions",
          elements: [
            {
              type: "button",
              action_id: "g_ok",
              style: "primary",
              text: { type: "plain_text", text: "Approve" },
            },
            {
              type: "button",
              action_id: "g_no",
              style: "danger",
              text: { type: "plain_text", text: "Return" },
            },
            {
              type: "static_select",
              action_id: "g_static",
              placeholder: text,
              options: [
                { text: { type: "plain_text", text: "SERVICE" }, value: "SERVICE" },
                { text: { type: "plain_text", text: "MONITOR" }, value: "MONITOR" },
              ],
            },
            { type: "external_select", action_id: "g_external", placeholder: text, min_query_length: 1 },
            { type: "datepicker", action_id: "g_date", initial_date: "2026-11-20" },
            {
              type: "overflow",
              action_id: "g_more",
              options: [{ text: { type: "plain_text", text: "Details" }, value: "details" }],
            },
          ],
        },
      ],
    });
    const shot = screenshots(page, "blockkit");
    await page.goto(`${pg.url}?user=${STAFF}&place=dm`);
    const msg = page.locator(".msg", { hasText: "Results 2026-10" });
    await msg.waitFor();
    expect(await msg.locator(".bk-header").textContent()).toBe("Results 2026-10");
    expect(await msg.locator(".bk-fields .bk-field").count()).toBe(2);
    expect(await msg.locator(".bk-text b").first().textContent()).toBe("Bold");
    expect(await msg.locator(".bk-text a").getAttribute("href")).toBe("https://example.org");
    expect(await msg.locator(".bk-accessory [data-action-id=g_open]").count()).toBe(1);
    expect(await msg.locator(".bk-context .mention").textContent()).toContain("Li Guohua");
    expect(await msg.locator("hr.bk-divider").count()).toBe(1);
    const chart = msg.locator("figure.bk-image img");
    await expect
      .poll(() => chart.evaluate((img) => (img as unknown as { naturalWidth: number }).naturalWidth))
      .toBe(24);
    expect(await msg.locator("[data-action-id=g_ok]").getAttribute("class")).toContain("btn-primary");
    expect(await msg.locator("[data-action-id=g_no]").getAttribute("class")).toContain("btn-danger");
    expect(await msg.locator("select[data-action-id=g_static] option").allTextContents()).toEqual([
      "Pick",
      "SERVICE",
      "MONITOR",
    ]);
    expect(await msg.locator("[data-action-id=g_external] input").count()).toBe(1);
    expect(await msg.locator("input[type=date][data-action-id=g_date]").inputValue()).toBe("2026-11-20");
    await msg.locator("[data-action-id=g_more]").click();
    expect(await msg.locator(".menu-item").allTextContents()).toEqual(["Details"]);
    await shot("gallery");
  });

  it("stacks a pushed modal over the form and goes back", async () => {
    const shot = screenshots(page, "modal-stack");
    await page.goto(`${pg.url}?user=${STAFF}&place=dm`);
    await page.locator("#composer-input").fill("/log");
    await page.locator("#composer-input").press("Enter");
    const form = page.locator(".modal[data-callback-id=log_modal]");
    await form.waitFor();
    await form.locator("[data-block-id=item] .combo-input").fill("AS001");
    const option = page.locator(".combo-option", { hasText: "AS001" }).first();
    await option.waitFor();
    await option.dispatchEvent("mousedown");
    await form.locator("[data-block-id=item_info]").waitFor();
    await form.locator("[data-block-id=count] input").fill("3"); // 750 points in a day: implausible
    await form.locator("[data-modal-submit]").click();
    const confirm = page.locator(".modal[data-callback-id=log_confirm_modal]");
    await confirm.waitFor();
    await shot("pushed confirmation");
    expect(await pg.runtime()!.slack.viewStack(STAFF).length).toBe(2);
    await confirm.locator("button[title=Back]").click();
    await form.waitFor();
    expect(await form.locator("[data-block-id=count] input").inputValue()).toBe("3");
    await shot("back to the form");
    await form.locator("[data-modal-close]").click();
    await form.waitFor({ state: "detached" });
    pg.runtime()!.slack.assertNoViolations();
  });
});
