/**
 * Renders Block Kit as plain text, roughly as Slack shows it: used by README.md's examples
 * (scripts/render-examples.ts) and by tests that assert on what a person reads.
 */
type Json = Record<string, unknown>;

const isObj = (v: unknown): v is Json => typeof v === "object" && v !== null && !Array.isArray(v);

function text(v: unknown): string {
  if (!isObj(v)) return "";
  return typeof v.text === "string" ? v.text : "";
}

function element(e: unknown): string {
  if (!isObj(e)) return "";
  switch (e.type) {
    case "button":
      return `[${text(e.text)}]`;
    case "overflow":
      return `[⋯ ${(Array.isArray(e.options) ? e.options : []).map((o) => text(isObj(o) ? o.text : undefined)).join(" | ")}]`;
    case "external_select":
    case "static_select": {
      const initial = isObj(e.initial_option) ? text(e.initial_option.text) : "";
      return `[▾ ${initial || text(e.placeholder) || "…"}]`;
    }
    case "datepicker":
      return `[📅 ${typeof e.initial_date === "string" ? e.initial_date : ""}]`;
    case "plain_text_input":
    case "number_input":
      return `[${typeof e.initial_value === "string" ? e.initial_value : "____"}]`;
    case "file_input":
      return "[📎 upload]";
    case "checkboxes": {
      const ticked = new Set(
        (Array.isArray(e.initial_options) ? e.initial_options : []).map((o) => (isObj(o) ? o.value : "")),
      );
      return (Array.isArray(e.options) ? e.options : [])
        .map((o) => (isObj(o) ? `${ticked.has(o.value) ? "☑" : "☐"} ${text(o.text)}` : ""))
        .join("  ");
    }
    default:
      return `[${String(e.type)}]`;
  }
}

/** Blocks → text lines. */
export function renderBlocks(blocks: unknown[]): string {
  const out: string[] = [];
  for (const b of blocks) {
    if (!isObj(b)) continue;
    switch (b.type) {
      case "header":
        out.push(`# ${text(b.text)}`);
        break;
      case "section": {
        const parts: string[] = [];
        if (b.text) parts.push(text(b.text));
        if (Array.isArray(b.fields))
          parts.push(b.fields.map((f) => text(f).replace(/\n/g, " ")).join("  |  "));
        const acc = b.accessory ? `  ${element(b.accessory)}` : "";
        out.push(parts.join("\n") + acc);
        break;
      }
      case "context":
        out.push(
          (Array.isArray(b.elements) ? b.elements : [])
            .map((e) => `  ${text(e)}`)
            .join(" ")
            .replace(/^/, "›"),
        );
        break;
      case "divider":
        out.push("────────");
        break;
      case "actions":
        out.push((Array.isArray(b.elements) ? b.elements : []).map(element).join(" "));
        break;
      case "input":
        out.push(`${text(b.label)}${b.optional ? "" : " *"}: ${element(b.element)}`);
        break;
      default:
        out.push(`(${String(b.type)})`);
    }
  }
  return out.join("\n");
}

/** A modal or home view → text, with its title and buttons. */
export function renderView(view: Json): string {
  const lines: string[] = [];
  if (isObj(view.title)) lines.push(`┌ ${text(view.title)} ┐`);
  lines.push(renderBlocks(Array.isArray(view.blocks) ? view.blocks : []));
  const buttons = [view.close, view.submit].filter(isObj).map((b) => `[${text(b)}]`);
  if (buttons.length > 0) lines.push(`└ ${buttons.join(" ")} ┘`);
  return lines.join("\n");
}
