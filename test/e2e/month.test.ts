/**
 * The playground in a real browser: a staff member logs three lines (one by command, one through the
 * log form with the item autocomplete, one temporary task) and submits the month. Every step goes from
 * the page through the Slack emulator to the real Bolt app; screenshots at each step.
 */

import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  launchBrowser,
  type RunningPlayground,
  removeDir,
  SHOTS,
  screenshots,
  spawnPlayground,
} from "./playground.js";

const STAFF = "U0DEMO05"; // 张伟 Zhang Wei, SERVICE, English
const CHIEF = "U0DEMO04"; // 王芳 Wang Fang, chief of the service section (and assessment group)

let pg: RunningPlayground;
let browser: Awaited<ReturnType<typeof launchBrowser>>;
let page: Page;

beforeAll(async () => {
  pg = await spawnPlayground();
  browser = await launchBrowser();
  page = browser.context.pages()[0] ?? (await browser.context.newPage());
});

afterAll(async () => {
  // what the page showed last (on a failure: where it stopped)
  await page?.screenshot({ path: `${SHOTS}/month-last.png` }).catch(() => {});
  await browser?.close();
  if (pg) {
    await pg.stop();
    removeDir(pg.dir);
  }
});

async function command(page: Page, text: string) {
  const box = page.locator("#composer-input");
  await box.fill(text);
  await box.press("Enter");
}

/** The user switcher, as a person uses it. */
async function switchTo(page: Page, user: string) {
  await page.locator("#user-button").click();
  await page.locator(`#user-menu [data-user=${user}]`).click();
  await expect.poll(() => page.locator("#user-menu").isHidden()).toBe(true);
}

describe("playground: a staff member's month", () => {
  it("logs three lines and submits", async () => {
    const shot = screenshots(page, "month");
    await page.goto(`${pg.url}?user=${STAFF}&place=dm`);
    await shot("starting");
    await pg.ready;
    await page.locator("#app").waitFor({ state: "visible", timeout: 120_000 });
    // a deterministic day: Friday 2026-11-20, 10:00 in Shanghai
    const set = await page.request.post(`${pg.url}api/clock`, { data: { at: "2026-11-20T10:00:00+08:00" } });
    expect(set.ok()).toBe(true);
    await expect.poll(() => page.locator("#user-name").textContent()).toContain("Zhang Wei");
    await shot("dm with the bot");

    // 1. by command, with the suggestions
    await page.locator("#composer-input").fill("/lo");
    await page.locator("#suggestions .suggestion").first().waitFor();
    expect(await page.locator("#suggestions").textContent()).toContain("/log");
    await shot("command suggestions");
    await command(page, "/log fpfs 3");
    const logged = page.locator(".msg.ephemeral", { hasText: "Invoice sales" });
    await logged.waitFor();
    expect(await logged.textContent()).toContain("Only visible to you");
    await shot("logged by command");

    // 2. through the form: saving without an item is refused (response_action: errors), then the
    //    autocomplete (external_select → block_suggestion) picks it and views.update shows its points
    await command(page, "/log");
    const modal = page.locator(".modal[data-callback-id=log_modal]");
    await modal.waitFor();
    await modal.locator("[data-modal-submit]").click();
    await modal.locator("[data-block-id=item] .bk-error").waitFor();
    await shot("form refused without an item");
    await modal.locator("[data-block-id=item] .combo-input").fill("archive");
    const option = page.locator(".combo-option", { hasText: "Archive" }).first();
    await option.waitFor();
    await shot("item autocomplete");
    await option.dispatchEvent("mousedown");
    await modal.locator("[data-block-id=item_info]").waitFor();
    await modal.locator("[data-block-id=count] input").fill("4");
    await modal.locator("[data-block-id=note] input").fill("October files");
    await shot("log form filled");
    await modal.locator("[data-modal-submit]").click();
    await modal.waitFor({ state: "detached" });
    await page.locator(".msg", { hasText: "Archive filing" }).first().waitFor();
    await shot("logged through the form");

    // 3. a temporary task
    await command(page, "/log temp 90 Prepared the seminar on the new invoice rules");
    await page.locator(".msg.ephemeral", { hasText: "seminar" }).waitFor();
    await shot("temporary task");

    // a mistake, fixed from the list: the overflow menu edits one line and deletes another
    await command(page, "/log fpfs 1 by mistake");
    await page.locator(".msg.ephemeral", { hasText: "by mistake" }).waitFor();
    await command(page, "/log list");
    const wrong = page.locator(".bk-section", { hasText: "by mistake" }).last();
    await wrong.waitFor();
    await shot("my lines");
    await wrong.locator("[data-action-id=line_menu]").click();
    await shot("line menu");
    await wrong.locator(".menu-item", { hasText: "Delete" }).click();
    const confirmDelete = page.locator("button[data-action-id=line_delete]").last();
    await confirmDelete.waitFor();
    expect(await confirmDelete.getAttribute("class")).toContain("btn-danger");
    await shot("delete confirmation");
    await confirmDelete.click();
    await page.locator(".bk-section", { hasText: "by mistake" }).waitFor({ state: "detached" });

    await command(page, "/log list");
    const archive = page.locator(".bk-section", { hasText: "Archive filing" }).last();
    await archive.waitFor();
    await archive.locator("[data-action-id=line_menu]").click();
    await archive.locator(".menu-item", { hasText: "Edit" }).click();
    const edit = page.locator(".modal[data-callback-id=edit_modal]");
    await edit.locator("[data-block-id=count] input").waitFor();
    await edit.locator("[data-block-id=count] input").fill("6");
    await shot("edit form");
    await edit.locator("[data-modal-submit]").click();
    await edit.waitFor({ state: "detached" });

    // 4. submit the month
    await command(page, "/log submit");
    const submit = page.locator("button[data-action-id=sheet_submit]").last();
    await submit.waitFor();
    await shot("submit summary");
    await submit.click();
    await page
      .locator(".msg", { hasText: /submitted/i })
      .last()
      .waitFor();
    await shot("submitted");

    // the App Home shows the month
    await page.locator("[data-tab=home]").click();
    await page.locator(".home .bk-header").first().waitFor();
    await expect.poll(() => page.locator(".home").textContent()).toMatch(/submitted/i);
    await shot("app home");

    // the section chief returns the sheet with a reason
    await switchTo(page, CHIEF);
    await page.locator("[data-place=app]").click();
    await page.locator("[data-tab=dm]").click();
    const card = page
      .locator(".msg")
      .filter({ has: page.locator("[data-action-id=review_return]") })
      .last();
    await card.waitFor();
    await shot("chief receives the card");
    await card.locator("[data-action-id=review_return]").click();
    const returnForm = page.locator(".modal[data-callback-id=review_return_modal]");
    await returnForm.waitFor();
    await returnForm
      .locator("textarea, input[type=text]")
      .first()
      .fill("Please add the count of the archive batch from the 19th.");
    await shot("return with a reason");
    await returnForm.locator("[data-modal-submit]").click();
    await returnForm.waitFor({ state: "detached" });
    await page
      .locator(".msg", { hasText: /Returned|已退回/ })
      .last()
      .waitFor();
    await shot("card after return");

    // the staff member reads why, fixes the sheet and submits again
    await switchTo(page, STAFF);
    await page.locator("[data-place=app]").click();
    await page.locator("[data-tab=dm]").click();
    await page.locator(".msg", { hasText: "archive batch" }).last().waitFor();
    await shot("staff told why");
    // no exact match: the bot offers the closest items as buttons
    await command(page, "/log dagl 2 2026-11-19 archive batch of the 19th");
    const candidate = page.locator("button[data-action-id^=log_pick_item]", { hasText: "SV004" }).last();
    await candidate.waitFor();
    await shot("closest items offered");
    await candidate.click();
    await page.locator(".msg.ephemeral", { hasText: "archive batch of the 19th" }).waitFor();
    await command(page, "/log submit");
    const resubmit = page.locator("button[data-action-id=sheet_submit]").last();
    await resubmit.waitFor();
    await resubmit.click();
    await page
      .locator(".msg", { hasText: /Submitted 2026-11/ })
      .last()
      .waitFor();
    await shot("resubmitted");

    // the chief approves
    await switchTo(page, CHIEF);
    await page.locator("[data-place=app]").click();
    await page.locator("[data-tab=dm]").click();
    const approve = page.locator("[data-action-id=review_approve]").last();
    await approve.waitFor();
    await approve.click();
    await page
      .locator(".msg", { hasText: /Approved|已通过/ })
      .last()
      .waitFor();
    await shot("chief approves");
    await switchTo(page, STAFF);

    // the clock control jumps to a deadline morning
    await page.locator("#clock-button").click();
    await page.locator("#clock-month").fill("2026-12");
    await page.locator("#clock-5th").click();
    await expect.poll(() => page.locator("#clock-text").textContent()).toContain("5 Dec 2026, 09:00");
    await shot("clock on the 5th");

    // the user switcher: the people and their roles
    await page.locator("#user-button").click();
    await page.locator("#user-menu [data-user=U0DEMO04]").waitFor();
    await shot("user switcher");
    await page.locator("#user-menu [data-user=U0DEMO04]").click();
    await expect.poll(() => page.locator("#user-name").textContent()).toContain("Wang Fang");
    expect(await page.locator("#user-roles").textContent()).toContain("section chief");
  });
});
