import { describe, expect, it } from "vitest";
import { evidenceMissingOf } from "../../src/domain/logging.js";

const required = [
  { id: "d1", name: "欠税清册", nameEn: "Arrears list" },
  { id: "d2", name: "催缴税款通知书", nameEn: "Payment demand" },
];

describe("evidence rule (SCHEME.md, Evidence)", () => {
  it("lists the required documents not attached or ticked", () => {
    expect(evidenceMissingOf(required, [])).toEqual(required);
    expect(evidenceMissingOf(required, [{ itemEvidenceId: "d1" }, { itemEvidenceId: null }])).toEqual([
      required[1],
    ]);
    expect(evidenceMissingOf(required, [{ itemEvidenceId: "d2" }, { itemEvidenceId: "d1" }])).toEqual([]);
  });

  it("treats lines imported from the tax system as complete, as the scoring input does", () => {
    expect(evidenceMissingOf(required, [], "IMPORT")).toEqual([]);
    expect(evidenceMissingOf(required, [], "SLACK")).toEqual(required);
  });
});
