// Block Kit rendering for the playground page: blocks → DOM, mrkdwn → HTML. Interactive elements call
// back into the page (ctx.onAction, ctx.setValue, ctx.loadOptions), which sends them to the emulator.

const h = (tag, attrs = {}, ...children) => {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === undefined || v === null || v === false) continue;
    if (k === "class") el.className = v;
    else if (k === "text") el.textContent = v;
    else if (k === "html") el.innerHTML = v;
    else if (k.startsWith("on")) el.addEventListener(k.slice(2), v);
    else el.setAttribute(k, v === true ? "" : String(v));
  }
  for (const c of children.flat()) {
    if (c === undefined || c === null || c === false) continue;
    el.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
  return el;
};

export { h };

const EMOJI = {
  white_check_mark: "✅",
  heavy_check_mark: "✔️",
  x: "❌",
  warning: "⚠️",
  hourglass: "⌛",
  hourglass_flowing_sand: "⏳",
  bell: "🔔",
  memo: "📝",
  clipboard: "📋",
  bar_chart: "📊",
  chart_with_upwards_trend: "📈",
  trophy: "🏆",
  medal: "🏅",
  first_place_medal: "🥇",
  second_place_medal: "🥈",
  third_place_medal: "🥉",
  calendar: "📅",
  date: "📅",
  inbox_tray: "📥",
  outbox_tray: "📤",
  lock: "🔒",
  unlock: "🔓",
  pencil: "✏️",
  pencil2: "✏️",
  wastebasket: "🗑️",
  leftwards_arrow_with_hook: "↩️",
  arrow_right: "➡️",
  page_facing_up: "📄",
  paperclip: "📎",
  information_source: "ℹ️",
  mag: "🔍",
  star: "⭐",
  tada: "🎉",
  no_entry: "⛔",
  rotating_light: "🚨",
  red_circle: "🔴",
  large_green_circle: "🟢",
  large_yellow_circle: "🟡",
  large_blue_circle: "🔵",
  white_circle: "⚪",
  heavy_plus_sign: "➕",
  heavy_minus_sign: "➖",
  moneybag: "💰",
  gift: "🎁",
  scales: "⚖️",
  busts_in_silhouette: "👥",
  bust_in_silhouette: "👤",
  point_right: "👉",
  wave: "👋",
  eyes: "👀",
  sparkles: "✨",
  repeat: "🔁",
  alarm_clock: "⏰",
};

const escapeHtml = (s) =>
  s.replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]);
const decodeSlack = (s) => s.replace(/&lt;/g, "<").replace(/&gt;/g, ">").replace(/&amp;/g, "&");

/** Slack mrkdwn → HTML (bold, italic, strike, code, pre, quotes, links, mentions, emoji). */
export function mrkdwn(text, ctx = {}) {
  if (!text) return "";
  const pres = [];
  let src = String(text).replace(/```([\s\S]*?)```/g, (_m, code) => {
    pres.push(code);
    return `\uE000PRE${pres.length - 1}\uE000`;
  });
  const parts = src.split(/(<[^>\n]+>)/g);
  src = parts
    .map((part, i) => {
      if (i % 2 === 1) return link(part.slice(1, -1), ctx);
      return inline(escapeHtml(decodeSlack(part)));
    })
    .join("");
  // block quotes: lines starting with "&gt; "
  src = src
    .split("\n")
    .map((line) =>
      line.startsWith("&gt;") ? `<span class="quote">${line.replace(/^&gt; ?/, "")}</span>` : line,
    )
    .join("\n")
    .replace(/\n/g, "<br>");
  return src.replace(
    /\uE000PRE(\d+)\uE000/g,
    (_m, n) => `<pre>${escapeHtml(decodeSlack(pres[Number(n)]))}</pre>`,
  );
}

function inline(s) {
  const codes = [];
  s = s.replace(/`([^`\n]+)`/g, (_m, c) => {
    codes.push(c);
    return `\uE001C${codes.length - 1}\uE001`;
  });
  s = s
    .replace(
      /(^|[\s(>\uE000-\uE002"'“‘（：，。、；！？·])\*(?!\s)([^*\n]+?)\*(?=$|[\s).,;:!?<'"”’（）。，；：！？、·]|\uE001)/g,
      "$1<b>$2</b>",
    )
    .replace(
      /(^|[\s(>"'“‘（：，。、；！？·])_(?!\s)([^_\n]+?)_(?=$|[\s).,;:!?<'"”’（）。，；：！？、·])/g,
      "$1<i>$2</i>",
    )
    .replace(/(^|[\s(>])~(?!\s)([^~\n]+?)~(?=$|[\s).,;:!?<])/g, "$1<s>$2</s>")
    .replace(/:([a-z0-9_+-]+):/g, (m, name) => EMOJI[name] ?? m);
  return s.replace(/\uE001C(\d+)\uE001/g, (_m, n) => `<code>${codes[Number(n)]}</code>`);
}

function link(inner, ctx) {
  const [target, label] = inner.split("|");
  if (target.startsWith("@")) {
    const id = target.slice(1);
    const p = ctx.person?.(id);
    return `<span class="mention">@${escapeHtml(label ?? (p ? p.name : id))}</span>`;
  }
  if (target.startsWith("#")) {
    const id = target.slice(1);
    const name = label ?? ctx.channelName?.(id) ?? id;
    return `<span class="mention">#${escapeHtml(name)}</span>`;
  }
  if (target.startsWith("!")) {
    const word = target.slice(1).split("^")[0];
    if (word.startsWith("date")) return escapeHtml(decodeSlack(label ?? word));
    return `<span class="mention">@${escapeHtml(label ?? word)}</span>`;
  }
  const url = decodeSlack(target);
  const safe = /^(https?:|mailto:|\/)/.test(url) ? url : "#";
  return `<a href="${escapeHtml(ctx.fileUrl?.(safe) ?? safe)}" target="_blank" rel="noopener">${escapeHtml(decodeSlack(label ?? target))}</a>`;
}

/** A text object (plain_text or mrkdwn) as an element. */
export function textEl(obj, ctx, tag = "span", cls = "") {
  if (!obj) return h(tag, { class: cls });
  if (obj.type === "mrkdwn") return h(tag, { class: `mrkdwn ${cls}`, html: mrkdwn(obj.text, ctx) });
  const s = String(obj.text ?? "").replace(/:([a-z0-9_+-]+):/g, (m, name) =>
    obj.emoji === false ? m : (EMOJI[name] ?? m),
  );
  return h(tag, { class: cls, text: s });
}

const plainText = (obj) => (obj ? String(obj.text ?? "") : "");

/** Renders a list of blocks. */
export function renderBlocks(blocks, ctx) {
  const wrap = h("div", { class: "blocks" });
  for (const block of blocks ?? []) {
    const el = renderBlock(block, ctx);
    if (el) wrap.append(el);
  }
  return wrap;
}

function renderBlock(block, ctx) {
  const bid = block.block_id;
  switch (block.type) {
    case "header":
      return h("div", { class: "bk-header", "data-block-id": bid }, textEl(block.text, ctx));
    case "divider":
      return h("hr", { class: "bk-divider" });
    case "section": {
      const body = h("div", { class: "bk-section-body" });
      if (block.text) body.append(textEl(block.text, ctx, "div", "bk-text"));
      if (block.fields?.length)
        body.append(
          h(
            "div",
            { class: "bk-fields" },
            block.fields.map((f) => textEl(f, ctx, "div", "bk-field")),
          ),
        );
      const el = h("div", { class: "bk-section", "data-block-id": bid }, body);
      if (block.accessory)
        el.append(h("div", { class: "bk-accessory" }, renderElement(block.accessory, bid, ctx, "section")));
      return el;
    }
    case "context":
      return h(
        "div",
        { class: "bk-context", "data-block-id": bid },
        (block.elements ?? []).map((e) =>
          e.type === "image" ? imageEl(e, ctx, "bk-context-img") : textEl(e, ctx, "span"),
        ),
      );
    case "image":
      return h(
        "figure",
        { class: "bk-image", "data-block-id": bid },
        block.title ? textEl(block.title, ctx, "figcaption") : null,
        imageEl(block, ctx, "bk-image-img"),
      );
    case "actions":
      return h(
        "div",
        { class: "bk-actions", "data-block-id": bid },
        (block.elements ?? []).map((e) => renderElement(e, bid, ctx, "actions")),
      );
    case "input": {
      const err = ctx.errors?.[bid];
      return h(
        "div",
        { class: `bk-input${err ? " has-error" : ""}`, "data-block-id": bid },
        h(
          "label",
          { class: "bk-label" },
          plainText(block.label),
          block.optional ? h("span", { class: "optional", text: " (optional)" }) : null,
        ),
        renderElement(block.element, bid, ctx, block.dispatch_action ? "dispatch" : "input"),
        block.hint ? textEl(block.hint, ctx, "div", "bk-hint") : null,
        err ? h("div", { class: "bk-error", role: "alert", text: err }) : null,
      );
    }
    case "rich_text":
      return h(
        "div",
        { class: "bk-rich", "data-block-id": bid },
        (block.elements ?? []).map((e) => richElement(e, ctx)),
      );
    case "file":
      return h("div", { class: "bk-file", text: `📄 file ${block.file_id ?? ""}` });
    default:
      return h("div", { class: "bk-unknown", text: `[${block.type} block]` });
  }
}

function richElement(e, ctx) {
  const inlineEls = (list) =>
    (list ?? []).map((x) => {
      if (x.type === "text") {
        let el = h("span", { text: x.text });
        if (x.style?.bold) el = h("b", {}, el);
        if (x.style?.italic) el = h("i", {}, el);
        if (x.style?.code) el = h("code", {}, el);
        return el;
      }
      if (x.type === "link") return h("a", { href: x.url, target: "_blank", text: x.text ?? x.url });
      if (x.type === "user")
        return h("span", { class: "mention", text: `@${ctx.person?.(x.user_id)?.name ?? x.user_id}` });
      if (x.type === "emoji") return h("span", { text: EMOJI[x.name] ?? `:${x.name}:` });
      return h("span", { text: x.text ?? "" });
    });
  if (e.type === "rich_text_list")
    return h(
      e.style === "ordered" ? "ol" : "ul",
      {},
      (e.elements ?? []).map((s) => h("li", {}, inlineEls(s.elements))),
    );
  if (e.type === "rich_text_preformatted") return h("pre", {}, inlineEls(e.elements));
  if (e.type === "rich_text_quote") return h("blockquote", {}, inlineEls(e.elements));
  return h("div", {}, inlineEls(e.elements));
}

function imageEl(e, ctx, cls) {
  const src = e.slack_file
    ? e.slack_file.id
      ? `/files/${e.slack_file.id}`
      : (ctx.fileUrl?.(e.slack_file.url) ?? e.slack_file.url)
    : (ctx.fileUrl?.(e.image_url) ?? e.image_url);
  return h("img", { class: cls, src, alt: e.alt_text ?? "", title: e.alt_text ?? "", loading: "lazy" });
}

function optionLabel(o) {
  return o ? plainText(o.text) : "";
}

function allOptions(el) {
  const out = [...(el.options ?? [])];
  for (const g of el.option_groups ?? []) out.push(...(g.options ?? []));
  return out;
}

/**
 * One interactive (or image) element. `where`: "actions" and "section" send block_actions at once;
 * "input" only records the value; "dispatch" records it and sends block_actions (dispatch_action).
 */
export function renderElement(el, blockId, ctx, where) {
  const aid = el.action_id;
  const immediate = where === "actions" || where === "section" || where === "dispatch";
  const current = ctx.getValue?.(blockId, aid);
  const set = (input) => ctx.setValue?.(blockId, aid, input, el);
  const fire = (value) => immediate && ctx.onAction?.(el, blockId, value);
  const common = { "data-action-id": aid, "data-block-id": blockId, "data-type": el.type };
  switch (el.type) {
    case "image":
      return imageEl(el, ctx, "bk-accessory-img");
    case "button": {
      const cls = `btn${el.style === "primary" ? " btn-primary" : el.style === "danger" ? " btn-danger" : ""}`;
      const b = h("button", { type: "button", class: cls, ...common, text: plainText(el.text) });
      b.addEventListener("click", async () => {
        if (el.url) window.open(el.url, "_blank", "noopener");
        if (el.confirm && !(await ctx.confirm?.(el.confirm))) return;
        ctx.onAction?.(el, blockId, el.value, b);
      });
      return b;
    }
    case "overflow": {
      const wrap = h("div", { class: "overflow" });
      const menu = h("div", { class: "menu", hidden: true });
      const b = h("button", {
        type: "button",
        class: "btn btn-icon",
        ...common,
        title: "More actions",
        text: "⋯",
      });
      b.addEventListener("click", (ev) => {
        ev.stopPropagation();
        const open = menu.hidden;
        for (const m of document.querySelectorAll(".menu")) m.hidden = true;
        menu.hidden = !open;
      });
      for (const o of el.options ?? []) {
        const item = h("button", {
          type: "button",
          class: "menu-item",
          "data-value": o.value,
          text: optionLabel(o),
        });
        item.addEventListener("click", async () => {
          menu.hidden = true;
          if (el.confirm && !(await ctx.confirm?.(el.confirm))) return;
          ctx.onAction?.(el, blockId, o.value, b);
        });
        menu.append(item);
      }
      wrap.append(b, menu);
      return wrap;
    }
    case "static_select":
    case "users_select":
    case "conversations_select":
    case "channels_select": {
      let options = allOptions(el);
      if (el.type === "users_select")
        options = (ctx.people?.() ?? []).map((p) => ({
          text: { type: "plain_text", text: p.label },
          value: p.id,
        }));
      if (el.type !== "static_select" && el.type !== "users_select")
        options = (ctx.channels?.() ?? []).map((c) => ({
          text: { type: "plain_text", text: `#${c.name}` },
          value: c.id,
        }));
      const sel = h("select", { class: "select", ...common });
      sel.append(h("option", { value: "", text: plainText(el.placeholder) || "Select…" }));
      const groups =
        el.type === "static_select" && el.option_groups?.length ? el.option_groups : [{ options }];
      for (const g of groups) {
        const parent = g.label ? h("optgroup", { label: plainText(g.label) }) : sel;
        for (const o of g.options ?? []) parent.append(h("option", { value: o.value, text: optionLabel(o) }));
        if (parent !== sel) sel.append(parent);
      }
      const init =
        current?.value ??
        current ??
        el.initial_option?.value ??
        el.initial_user ??
        el.initial_conversation ??
        el.initial_channel ??
        "";
      sel.value = typeof init === "string" ? init : "";
      sel.addEventListener("change", async () => {
        const o = options.find((x) => x.value === sel.value);
        const input =
          el.type === "static_select"
            ? o
              ? { value: o.value, text: optionLabel(o) }
              : null
            : sel.value || null;
        set(input);
        if (el.confirm && immediate && !(await ctx.confirm?.(el.confirm))) return;
        if (sel.value) fire(input);
      });
      return sel;
    }
    case "multi_static_select":
    case "multi_users_select":
    case "checkboxes": {
      const options =
        el.type === "multi_users_select"
          ? (ctx.people?.() ?? []).map((p) => ({ text: { type: "plain_text", text: p.label }, value: p.id }))
          : allOptions(el);
      const init = Array.isArray(current)
        ? current.map((x) => (typeof x === "string" ? x : x.value))
        : (el.initial_options ?? []).map((o) => o.value).concat(el.initial_users ?? []);
      const wrap = h("div", { class: el.type === "checkboxes" ? "checks" : "checks multi", ...common });
      for (const o of options) {
        const box = h("input", { type: "checkbox", value: o.value });
        box.checked = init.includes(o.value);
        box.addEventListener("change", () => {
          const picked = [...wrap.querySelectorAll("input:checked")].map((b) => b.value);
          set(
            el.type === "multi_users_select"
              ? picked
              : picked.map((v) => ({ value: v, text: optionLabel(options.find((x) => x.value === v)) })),
          );
          fire(picked);
        });
        wrap.append(
          h(
            "label",
            { class: "check" },
            box,
            h(
              "span",
              {},
              textEl(o.text, ctx),
              o.description ? textEl(o.description, ctx, "div", "muted small") : null,
            ),
          ),
        );
      }
      return wrap;
    }
    case "radio_buttons": {
      const name = `r-${blockId}-${aid}-${Math.random().toString(36).slice(2, 7)}`;
      const init = current?.value ?? el.initial_option?.value;
      const wrap = h("div", { class: "checks", ...common });
      for (const o of el.options ?? []) {
        const r = h("input", { type: "radio", name, value: o.value });
        r.checked = init === o.value;
        r.addEventListener("change", () => {
          const input = { value: o.value, text: optionLabel(o) };
          set(input);
          fire(input);
        });
        wrap.append(h("label", { class: "check" }, r, textEl(o.text, ctx)));
      }
      return wrap;
    }
    case "external_select":
    case "multi_external_select":
      return externalSelect(el, blockId, ctx, { set, fire, current, common });
    case "datepicker": {
      const input = h("input", { type: "date", class: "input date", ...common });
      input.value = (typeof current === "string" ? current : null) ?? el.initial_date ?? "";
      input.addEventListener("change", () => {
        set(input.value || null);
        if (input.value) fire(input.value);
      });
      return input;
    }
    case "timepicker": {
      const input = h("input", { type: "time", class: "input", ...common });
      input.value = (typeof current === "string" ? current : null) ?? el.initial_time ?? "";
      input.addEventListener("change", () => {
        set(input.value || null);
        if (input.value) fire(input.value);
      });
      return input;
    }
    case "plain_text_input":
    case "number_input":
    case "email_text_input":
    case "url_text_input": {
      const type =
        { number_input: "number", email_text_input: "email", url_text_input: "url" }[el.type] ?? "text";
      const input = el.multiline
        ? h("textarea", { class: "input", rows: 3, ...common })
        : h("input", {
            type,
            class: "input",
            ...common,
            step:
              el.type === "number_input" && !el.is_decimal_allowed
                ? "1"
                : el.type === "number_input"
                  ? "any"
                  : undefined,
          });
      if (el.placeholder) input.placeholder = plainText(el.placeholder);
      if (el.max_length) input.maxLength = el.max_length;
      if (el.min_value !== undefined) input.min = el.min_value;
      if (el.max_value !== undefined) input.max = el.max_value;
      input.value = (typeof current === "string" ? current : null) ?? el.initial_value ?? "";
      input.addEventListener("input", () => set(input.value));
      if (immediate)
        input.addEventListener("keydown", (ev) => {
          if (ev.key === "Enter" && !el.multiline) {
            ev.preventDefault();
            fire(input.value);
          }
        });
      return input;
    }
    case "file_input":
      return h("div", {
        class: "file-input muted small",
        ...common,
        text: "📎 File uploads are not available in the playground (attach links or tick the documents instead).",
      });
    default:
      return h("span", { class: "bk-unknown", text: `[${el.type}]` });
  }
}

function externalSelect(el, blockId, ctx, { set, fire, current, common }) {
  const multi = el.type === "multi_external_select";
  const wrap = h("div", { class: "combo", ...common });
  const input = h("input", {
    type: "text",
    class: "input combo-input",
    placeholder: plainText(el.placeholder) || "Type to search…",
    role: "combobox",
    "aria-autocomplete": "list",
  });
  const list = h("div", { class: "combo-list", role: "listbox", hidden: true });
  const chips = h("div", { class: "chips" });
  let picked = multi
    ? Array.isArray(current)
      ? current
      : (el.initial_options ?? []).map((o) => ({ value: o.value, text: optionLabel(o) }))
    : null;
  const init = !multi
    ? current && typeof current === "object"
      ? current
      : el.initial_option
        ? { value: el.initial_option.value, text: optionLabel(el.initial_option) }
        : null
    : null;
  if (init) input.value = init.text ?? init.value;
  const drawChips = () => {
    chips.replaceChildren(
      ...(picked ?? []).map((o) => {
        const x = h("button", { type: "button", class: "chip", text: `${o.text ?? o.value} ×` });
        x.addEventListener("click", () => {
          picked = picked.filter((p) => p.value !== o.value);
          drawChips();
          set(picked);
        });
        return x;
      }),
    );
  };
  if (multi) drawChips();
  let seq = 0;
  let timer;
  const load = async () => {
    const query = input.value;
    if ((el.min_query_length ?? 3) > query.length) {
      list.hidden = true;
      return;
    }
    const mine = ++seq;
    list.hidden = false;
    list.replaceChildren(h("div", { class: "combo-empty muted", text: "Loading…" }));
    let res;
    try {
      res = await ctx.loadOptions(el, blockId, query);
    } catch (e) {
      if (mine === seq)
        list.replaceChildren(h("div", { class: "combo-empty muted", text: String(e.message ?? e) }));
      return;
    }
    if (mine !== seq) return;
    const groups = res.option_groups?.length ? res.option_groups : [{ options: res.options ?? [] }];
    const rows = [];
    for (const g of groups) {
      if (g.label) rows.push(h("div", { class: "combo-group", text: plainText(g.label) }));
      for (const o of g.options ?? []) {
        const row = h(
          "div",
          { class: "combo-option", role: "option", "data-value": o.value, tabindex: -1 },
          textEl(o.text, ctx),
          o.description ? textEl(o.description, ctx, "div", "muted small") : null,
        );
        row.addEventListener("mousedown", (ev) => {
          ev.preventDefault();
          choose({ value: o.value, text: optionLabel(o) });
        });
        rows.push(row);
      }
    }
    list.replaceChildren(
      ...(rows.length ? rows : [h("div", { class: "combo-empty muted", text: "No matches" })]),
    );
  };
  const choose = (o) => {
    list.hidden = true;
    if (multi) {
      picked = [...(picked ?? []).filter((p) => p.value !== o.value), o];
      input.value = "";
      drawChips();
      set(picked);
      fire(picked);
    } else {
      input.value = o.text;
      set(o);
      fire(o);
    }
  };
  input.addEventListener("focus", () => load());
  input.addEventListener("input", () => {
    clearTimeout(timer);
    timer = setTimeout(load, 200);
  });
  input.addEventListener("keydown", (ev) => {
    const opts = [...list.querySelectorAll(".combo-option")];
    const at = opts.indexOf(list.querySelector(".combo-option.active"));
    if (ev.key === "ArrowDown" || ev.key === "ArrowUp") {
      ev.preventDefault();
      const next = opts[Math.max(0, Math.min(opts.length - 1, at + (ev.key === "ArrowDown" ? 1 : -1)))];
      for (const o of opts) o.classList.toggle("active", o === next);
    } else if (ev.key === "Enter") {
      ev.preventDefault();
      const row = opts[at] ?? opts[0];
      if (row) row.dispatchEvent(new MouseEvent("mousedown"));
    } else if (ev.key === "Escape") list.hidden = true;
  });
  input.addEventListener("blur", () => setTimeout(() => (list.hidden = true), 150));
  wrap.append(chips, input, list);
  return wrap;
}
