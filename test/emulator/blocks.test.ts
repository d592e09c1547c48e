import { describe, expect, it } from "vitest";
import { formatIssue, validateMessage, validateView } from "../../src/emulator/index.js";

const section = (text: string) => ({ type: "section", text: { type: "mrkdwn", text } });
const button = (actionId: string, value = "v") => ({
  type: "button",
  action_id: actionId,
  text: { type: "plain_text", text: "Go" },
  value,
});
const messages = (issues: ReturnType<typeof validateMessage>) => issues.map(formatIssue);

describe("Block Kit validation", () => {
  it("accepts 50 blocks and refuses 51 in a message", () => {
    expect(validateMessage({ blocks: Array.from({ length: 50 }, () => section("x")) })).toEqual([]);
    expect(messages(validateMessage({ blocks: Array.from({ length: 51 }, () => section("x")) }))).toEqual([
      "must be less than 51 items [json-pointer:/blocks]",
    ]);
  });

  it("checks section text, header text, button value and action_id uniqueness", () => {
    const issues = messages(
      validateMessage({
        blocks: [
          section("x".repeat(3001)),
          { type: "header", text: { type: "plain_text", text: "h".repeat(151) } },
          { type: "actions", elements: [button("a", "v".repeat(2001)), button("a")] },
          { type: "header", text: { type: "mrkdwn", text: "bold" } },
        ],
      }),
    );
    expect(issues).toEqual([
      "must be less than 3001 characters [json-pointer:/blocks/0/text/text]",
      "must be less than 151 characters [json-pointer:/blocks/1/text/text]",
      "must be less than 2001 characters [json-pointer:/blocks/2/elements/0/value]",
      "action_id must be unique within a block [json-pointer:/blocks/2/elements/1/action_id]",
      "must be plain_text [json-pointer:/blocks/3/text/type]",
    ]);
  });

  it("allows the same action_id in different blocks but not duplicate block_ids", () => {
    const blocks = [
      { type: "actions", block_id: "b1", elements: [button("a")] },
      { type: "actions", block_id: "b1", elements: [button("a")] },
    ];
    expect(messages(validateMessage({ blocks }))).toEqual([
      "duplicate block_id [json-pointer:/blocks/1/block_id]",
    ]);
  });

  it("checks views: title length, 100 blocks, submit with inputs", () => {
    const base = { type: "modal", title: { type: "plain_text", text: "Title" }, blocks: [section("x")] };
    expect(validateView(base)).toEqual([]);
    expect(
      validateView({ ...base, title: { type: "plain_text", text: "t".repeat(25) } }).map(formatIssue),
    ).toEqual(["must be less than 25 characters [json-pointer:/view/title/text]"]);
    expect(validateView({ ...base, blocks: Array.from({ length: 100 }, () => section("x")) })).toEqual([]);
    expect(
      validateView({ type: "home", blocks: Array.from({ length: 101 }, () => section("x")) }).map(
        formatIssue,
      ),
    ).toEqual(["must be less than 101 items [json-pointer:/view/blocks]"]);
    const input = {
      type: "input",
      label: { type: "plain_text", text: "L" },
      element: { type: "plain_text_input", action_id: "i" },
    };
    expect(validateView({ ...base, blocks: [input] }).map(formatIssue)).toEqual([
      "must provide submit when the view contains input blocks [json-pointer:/view/submit]",
    ]);
  });
});
