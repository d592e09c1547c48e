// The playground page: a small Slack client for the emulator. Every click and command goes to
// /api/* (the emulator delivers it to the real bot); /api/events (SSE) says what changed.
import { h, renderBlocks, textEl } from "./blocks.js";

const $ = (id) => document.getElementById(id);
const ROLE_LABEL = {
  STAFF: "staff",
  SECTION_CHIEF: "section chief",
  ASSESSMENT_GROUP: "assessment group",
  BRANCH_CHIEF: "branch chief",
  ADMIN: "admin",
};

const S = {
  boot: null,
  people: [],
  channels: [],
  commands: [],
  bot: { id: "", name: "kpi-bot" },
  user: null,
  /** "dm" (the app's Messages tab), "home", or a channel id */
  place: "dm",
  state: null,
  clock: null,
  unread: new Set(),
  /** local input values per view id: { [blockId]: { [actionId]: input } } */
  values: new Map(),
  errors: new Map(),
  shownViews: new Map(),
  /** rendered messages per place: key → { sig, node } */
  rendered: new Map(),
  busy: 0,
};

// ------------------------------------------------------------------ API

async function api(path, body) {
  const res = await fetch(
    path,
    body === undefined
      ? {}
      : { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) },
  );
  let data = null;
  try {
    data = await res.json();
  } catch {
    // not JSON
  }
  if (!res.ok) throw new Error(data?.error ?? `HTTP ${res.status}`);
  return data;
}

function toast(text, kind = "info") {
  const t = h("div", { class: `toast toast-${kind}`, role: kind === "error" ? "alert" : "status", text });
  $("toasts").append(t);
  setTimeout(() => t.remove(), kind === "error" ? 8000 : 4000);
}

async function track(promise) {
  S.busy++;
  document.body.classList.add("busy");
  try {
    const r = await promise;
    if (r && r.ok === false && r.error) toast(r.error, "error");
    return r;
  } catch (e) {
    toast(e.message, "error");
    return null;
  } finally {
    S.busy--;
    if (!S.busy) document.body.classList.remove("busy");
  }
}

// ------------------------------------------------------------------ start-up

function showBoot(status) {
  S.boot = status;
  const boot = $("boot");
  boot.dataset.state = status.state;
  $("boot-step").textContent =
    status.state === "failed"
      ? `Could not start: ${status.step}`
      : status.state === "ready"
        ? "ready"
        : `starting… ${status.step ?? ""}`;
  if (status.state === "ready" && !S.people.length) load();
}

async function load() {
  const data = await api("/api/bootstrap");
  S.people = data.people;
  S.channels = data.channels;
  S.commands = data.commands;
  S.bot = data.bot;
  S.clock = { ...data.clock, fetchedAt: Date.now() };
  $("team-name").textContent = data.team.name;
  const params = new URLSearchParams(location.search);
  const wanted = params.get("user") ?? localStorage.getItem("playground.user");
  S.user =
    S.people.find((p) => p.id === wanted) ??
    S.people.find((p) => p.roles.includes("STAFF") && p.roles.length === 1) ??
    S.people[0];
  const place = params.get("place") ?? localStorage.getItem("playground.place");
  if (place === "home" || place === "dm" || S.channels.some((c) => c.id === place)) S.place = place;
  $("boot").hidden = true;
  $("app").hidden = false;
  drawUserMenu();
  drawClock();
  await select(S.place, true);
}

// ------------------------------------------------------------------ people

const personLabel = (p) => (p.nameEn ? `${p.name} ${p.nameEn}` : p.name);
const initials = (p) =>
  p.nameEn
    ? p.nameEn
        .split(/\s+/)
        .map((w) => w[0])
        .join("")
        .slice(0, 2)
    : p.name.slice(-2);
const avatarColor = (id) => {
  let x = 7;
  for (const c of id) x = (x * 31 + c.charCodeAt(0)) % 100_003;
  return `hsl(${(x * 47) % 360} 45% 40%)`;
};
const person = (id) => S.people.find((p) => p.id === id);

function avatar(p, cls = "avatar") {
  return h("span", {
    class: cls,
    style: `background:${avatarColor(p?.id ?? "x")}`,
    text: p ? initials(p) : "?",
  });
}

function drawUserMenu() {
  const u = S.user;
  $("user-avatar").replaceWith(Object.assign(avatar(u), { id: "user-avatar" }));
  $("user-name").textContent = personLabel(u);
  $("user-roles").textContent = u.roles.map((r) => ROLE_LABEL[r] ?? r).join(" · ");
  const menu = $("user-menu");
  menu.replaceChildren(
    h("div", { class: "menu-title", text: "Play as…" }),
    ...S.people.map((p) => {
      const row = h(
        "button",
        {
          type: "button",
          class: `person${p.id === u.id ? " current" : ""}`,
          role: "option",
          "data-user": p.id,
        },
        avatar(p),
        h(
          "span",
          { class: "person-text" },
          h("span", { class: "person-name", text: personLabel(p) }),
          h("span", {
            class: "person-meta",
            text: [p.section ? (p.section.nameEn ?? p.section.name) : null, p.category]
              .filter(Boolean)
              .join(" · "),
          }),
          h(
            "span",
            { class: "roles" },
            p.roles.map((r) =>
              h("span", { class: `role role-${r.toLowerCase()}`, text: ROLE_LABEL[r] ?? r }),
            ),
          ),
        ),
      );
      row.addEventListener("click", () => switchUser(p.id));
      return row;
    }),
  );
}

async function switchUser(id) {
  $("user-menu").hidden = true;
  if (S.user?.id === id) return;
  S.user = person(id);
  localStorage.setItem("playground.user", id);
  const url = new URL(location.href);
  url.searchParams.set("user", id);
  history.replaceState(null, "", url);
  S.unread.clear();
  S.values.clear();
  S.errors.clear();
  S.shownViews.clear();
  S.rendered.clear();
  drawUserMenu();
  await select(S.place, true);
}

// ------------------------------------------------------------------ sidebar & places

function drawSidebar() {
  const item = (place, label, icon) => {
    const li = h(
      "li",
      {},
      h(
        "button",
        {
          type: "button",
          class: `nav${S.place === place ? " active" : ""}${S.unread.has(place) ? " unread" : ""}`,
          "data-place": place,
        },
        h("span", { class: "nav-icon", text: icon }),
        label,
      ),
    );
    li.firstChild.addEventListener("click", () => select(place));
    return li;
  };
  $("channel-list").replaceChildren(...S.channels.map((c) => item(c.id, c.name, "#")));
  const appActive = S.place === "dm" || S.place === "home";
  const li = h(
    "li",
    {},
    h(
      "button",
      {
        type: "button",
        class: `nav${appActive ? " active" : ""}${S.unread.has("dm") ? " unread" : ""}`,
        "data-place": "app",
      },
      h("span", { class: "nav-icon app-icon", text: "K" }),
      S.bot.name,
    ),
  );
  li.firstChild.addEventListener("click", () => select(S.place === "home" ? "home" : "dm"));
  $("app-list").replaceChildren(li);
}

async function select(place, force = false) {
  if (!force && place === S.place && S.state) return;
  S.place = place;
  S.unread.delete(place);
  localStorage.setItem("playground.place", place);
  drawSidebar();
  drawHeader();
  if (place === "home") {
    $("home-pane").hidden = false;
    $("messages-pane").hidden = true;
    await refresh();
    await track(api("/api/home", { user: S.user.id }));
    return;
  }
  $("home-pane").hidden = true;
  $("messages-pane").hidden = false;
  await refresh();
  $("composer-input").focus();
}

function drawHeader() {
  const title = $("conv-title");
  const tabs = $("conv-tabs");
  if (S.place === "dm" || S.place === "home") {
    title.replaceChildren(
      h("span", { class: "app-icon big", text: "K" }),
      h("b", { text: S.bot.name }),
      h("span", { class: "muted small", text: " APP" }),
    );
    const tab = (place, label) => {
      const b = h("button", {
        type: "button",
        class: `tab${S.place === place ? " active" : ""}`,
        "data-tab": place,
        text: label,
      });
      b.addEventListener("click", () => select(place));
      return b;
    };
    tabs.replaceChildren(tab("home", "Home"), tab("dm", "Messages"));
  } else {
    const c = S.channels.find((x) => x.id === S.place);
    title.replaceChildren(
      h("b", { text: `# ${c?.name ?? S.place}` }),
      c?.role
        ? h("span", {
            class: "muted small",
            text: c.role === "results" ? "  monthly results" : "  re-valuation proposals",
          })
        : "",
    );
    tabs.replaceChildren();
  }
  $("composer-input").placeholder =
    S.place === "dm" || S.place === "home"
      ? `Message ${S.bot.name}, or type / for commands`
      : `Message #${S.channels.find((x) => x.id === S.place)?.name ?? ""}, or type / for commands`;
}

const channelRef = () => (S.place === "dm" || S.place === "home" ? S.user.id : S.place);

// ------------------------------------------------------------------ state & rendering

let refreshing = null;
let again = false;
async function refresh() {
  if (refreshing) {
    again = true;
    return refreshing;
  }
  refreshing = (async () => {
    do {
      again = false;
      const user = S.user.id;
      const data = await api(
        `/api/state?user=${encodeURIComponent(user)}&channel=${encodeURIComponent(channelRef())}`,
      ).catch((e) => {
        toast(e.message, "error");
        return null;
      });
      if (!data || user !== S.user.id) continue;
      S.state = data;
      S.clock = { ...data.clock, fetchedAt: Date.now() };
      drawClock();
      if (S.place === "home") drawHome();
      else drawMessages();
      drawModals();
    } while (again);
  })();
  try {
    await refreshing;
  } finally {
    refreshing = null;
  }
}

const ctxBase = () => ({
  person: (id) => {
    const p = person(id);
    return p ? { name: p.nameEn ?? p.name } : id === S.bot.id ? { name: S.bot.name } : null;
  },
  channelName: (id) => S.channels.find((c) => c.id === id)?.name,
  people: () => S.people.map((p) => ({ id: p.id, label: personLabel(p) })),
  channels: () => S.channels,
  fileUrl: (url) => {
    const m =
      /files(?:-pri)?\/[A-Z0-9]+-(F[A-Z0-9]+)\//.exec(url ?? "") ??
      /\/files\/[A-Z0-9]+\/(F[A-Z0-9]+)\//.exec(url ?? "");
    return m ? `/files/${m[1]}` : url;
  },
  confirm: confirmDialog,
});

function timeOf(ts) {
  const ms = Number(ts.split(".")[0]) * 1000;
  return new Intl.DateTimeFormat("en-GB", {
    timeZone: S.clock?.timeZone,
    hour: "2-digit",
    minute: "2-digit",
    month: "short",
    day: "numeric",
  }).format(ms);
}

function messageCtx(channel, ts, ephemeral) {
  return {
    ...ctxBase(),
    getValue: () => undefined,
    setValue: () => {},
    onAction: (el, blockId, value, button) =>
      act({ actionId: el.action_id, blockId, value, message: { channel, ts } }, button),
    loadOptions: (el, blockId, query) =>
      api("/api/options", {
        user: S.user.id,
        actionId: el.action_id,
        blockId,
        value: query,
        message: { channel, ts },
      }),
    ephemeral,
  };
}

function drawMessages() {
  const box = $("messages");
  const atBottom = box.scrollHeight - box.scrollTop - box.clientHeight < 80;
  const { messages, ephemerals, files } = S.state;
  const items = [
    ...messages.map((m) => ({ kind: "m", ts: m.ts, m })),
    ...ephemerals.map((e) => ({ kind: "e", ts: e.ts, m: e })),
  ].sort((a, b) => Number(a.ts) - Number(b.ts));
  const fileById = new Map(files.map((f) => [f.id, f]));
  const rows = [];
  if (!items.length) {
    rows.push(
      h(
        "div",
        { class: "empty" },
        S.place === "dm"
          ? h(
              "div",
              {},
              h("b", { text: `This is your conversation with ${S.bot.name}.` }),
              h("p", {
                class: "muted",
                text: "Type /log to log work (try /log fpfs 3), /log help for the syntax, or open the Home tab.",
              }),
            )
          : h("p", {
              class: "muted",
              text: "No messages yet. The monthly results are posted here when the assessment group publishes a month.",
            }),
      ),
    );
  }
  // messages that did not change keep their DOM (an open menu, a half-typed search stay as they are)
  const cache = S.rendered.get(S.place) ?? new Map();
  const next = new Map();
  for (const it of items) {
    const m = it.m;
    const key = `${it.kind}:${m.channel}:${m.ts}`;
    const sig = JSON.stringify([
      m.text,
      m.blocks,
      m.files,
      m.editedAt,
      m.replacedAt,
      S.user.id,
      files.length,
    ]);
    const kept = cache.get(key);
    if (kept && kept.sig === sig) {
      next.set(key, kept);
      rows.push(kept.node);
      continue;
    }
    const fromBot = it.kind === "e" || m.user === S.bot.id || m.botId;
    const author = fromBot ? null : person(m.user);
    const head = h(
      "div",
      { class: "msg-head" },
      h("b", { text: fromBot ? S.bot.name : author ? personLabel(author) : m.user }),
      fromBot ? h("span", { class: "badge", text: "APP" }) : null,
      h("span", { class: "msg-time", text: timeOf(m.ts) }),
      m.editedAt ? h("span", { class: "muted small", text: "(edited)" }) : null,
    );
    const body = h("div", { class: "msg-body" });
    if (it.kind === "e") body.append(h("div", { class: "only-you", text: "👁 Only visible to you" }));
    if (m.blocks?.length) body.append(renderBlocks(m.blocks, messageCtx(m.channel, m.ts, it.kind === "e")));
    else if (m.text) body.append(textEl({ type: "mrkdwn", text: m.text }, ctxBase(), "div", "bk-text"));
    for (const id of m.files ?? []) {
      const f = fileById.get(id);
      if (!f) continue;
      body.append(
        f.mimetype.startsWith("image/")
          ? h(
              "figure",
              { class: "msg-file image" },
              h("figcaption", { text: f.title }),
              h(
                "a",
                { href: f.url, target: "_blank" },
                h("img", { src: f.url, alt: f.title, "data-file": f.id }),
              ),
            )
          : h(
              "div",
              { class: "msg-file doc" },
              h("span", {
                class: "doc-icon",
                text: f.name.endsWith(".xlsx") ? "XLSX" : f.name.split(".").pop().toUpperCase(),
              }),
              h(
                "span",
                { class: "doc-text" },
                h("b", { text: f.title }),
                h("span", { class: "muted small", text: `${(f.size / 1024).toFixed(1)} KB` }),
              ),
              h("a", {
                class: "btn",
                href: `${f.url}?download=1`,
                download: f.name,
                "data-file": f.id,
                text: "Download",
              }),
            ),
      );
    }
    const node = h(
      "div",
      { class: `msg${it.kind === "e" ? " ephemeral" : ""}`, "data-ts": m.ts, "data-kind": it.kind },
      fromBot ? h("span", { class: "avatar app-icon", text: "K" }) : avatar(author),
      h("div", { class: "msg-main" }, head, body),
    );
    next.set(key, { sig, node });
    rows.push(node);
  }
  S.rendered.set(S.place, next);
  const same = rows.length === box.children.length && rows.every((r, i) => box.children[i] === r);
  if (!same) {
    // a message replaced while its overflow menu is open keeps the menu open
    const open = box.querySelector(".menu:not([hidden])");
    const where = open && {
      ts: open.closest(".msg")?.dataset.ts,
      block: open.parentElement?.querySelector("[data-action-id]")?.dataset.blockId,
      action: open.parentElement?.querySelector("[data-action-id]")?.dataset.actionId,
    };
    box.replaceChildren(...rows);
    if (where) {
      const again = [...box.querySelectorAll(`.msg[data-ts="${where.ts}"] .overflow`)].find((o) => {
        const b = o.querySelector("[data-action-id]");
        return b?.dataset.blockId === where.block && b?.dataset.actionId === where.action;
      });
      const menu = again?.querySelector(".menu");
      if (menu) menu.hidden = false;
    }
  }
  if (atBottom || box.dataset.place !== S.place) box.scrollTop = box.scrollHeight;
  box.dataset.place = S.place;
}

function drawHome() {
  const pane = $("home-pane");
  const home = S.state.home;
  if (!home) {
    pane.replaceChildren(h("div", { class: "empty muted", text: "Loading the Home tab…" }));
    return;
  }
  const viewId = home.id;
  const key = `${S.user.id}:${home.id}:${home.hash}`;
  if (pane.dataset.key === key) return;
  pane.dataset.key = key;
  const ctx = viewCtx(home);
  pane.replaceChildren(
    h("div", { class: "home", "data-view-id": viewId }, renderBlocks(home.view.blocks, ctx)),
  );
}

// ------------------------------------------------------------------ views (modals, home)

function inputFromState(v) {
  if (!v) return undefined;
  if ("value" in v) return v.value ?? undefined;
  if ("selected_date" in v) return v.selected_date ?? undefined;
  if ("selected_time" in v) return v.selected_time ?? undefined;
  if ("selected_option" in v)
    return v.selected_option
      ? { value: v.selected_option.value, text: v.selected_option.text?.text }
      : undefined;
  if ("selected_options" in v)
    return (v.selected_options ?? []).map((o) => ({ value: o.value, text: o.text?.text }));
  if ("selected_user" in v) return v.selected_user ?? undefined;
  if ("selected_users" in v) return v.selected_users ?? undefined;
  if ("selected_conversation" in v) return v.selected_conversation ?? undefined;
  if ("selected_channel" in v) return v.selected_channel ?? undefined;
  return undefined;
}

function viewCtx(stored) {
  const id = stored.id;
  if (!S.values.has(id)) S.values.set(id, {});
  const local = S.values.get(id);
  const state = stored.view.state?.values ?? {};
  return {
    ...ctxBase(),
    errors: S.errors.get(id),
    getValue: (blockId, actionId) => local[blockId]?.[actionId] ?? inputFromState(state[blockId]?.[actionId]),
    setValue: (blockId, actionId, input) => {
      local[blockId] ??= {};
      local[blockId][actionId] = input;
    },
    onAction: (el, blockId, value, button) =>
      act({ actionId: el.action_id, blockId, value, viewId: id, values: currentValues(id) }, button),
    loadOptions: (el, blockId, query) =>
      api("/api/options", { user: S.user.id, actionId: el.action_id, blockId, value: query, viewId: id }),
  };
}

/** The local values of a view in the shape FakeSlack.setViewValues takes (null values dropped). */
function currentValues(viewId) {
  const out = {};
  for (const [blockId, byAction] of Object.entries(S.values.get(viewId) ?? {})) {
    for (const [actionId, input] of Object.entries(byAction)) {
      if (input === undefined) continue;
      out[blockId] ??= {};
      out[blockId][actionId] = input === null ? "" : input;
    }
  }
  return out;
}

function drawModals() {
  const layer = $("modal-layer");
  const stack = S.state.modals ?? [];
  const top = stack.at(-1);
  if (!top) {
    layer.hidden = true;
    layer.replaceChildren();
    S.shownViews.clear();
    return;
  }
  const key = `${top.id}:${top.hash}:${JSON.stringify(S.errors.get(top.id) ?? null)}`;
  if (layer.dataset.key === key && !layer.hidden) return;
  // a view replaced by views.update keeps what the person typed (same block_id and action_id)
  layer.dataset.key = key;
  const v = top.view;
  const ctx = viewCtx(top);
  const submit = v.submit
    ? h("button", {
        type: "button",
        class: "btn btn-primary",
        "data-modal-submit": top.id,
        text: v.submit.text,
      })
    : null;
  const close = h("button", {
    type: "button",
    class: "btn",
    "data-modal-close": top.id,
    text: v.close?.text ?? "Close",
  });
  const back =
    stack.length > 1
      ? h("button", { type: "button", class: "btn btn-icon", title: "Back", text: "‹" })
      : null;
  const form = h(
    "div",
    {
      class: "modal",
      role: "dialog",
      "aria-modal": "true",
      "aria-label": v.title?.text ?? "",
      "data-view-id": top.id,
      "data-callback-id": v.callback_id ?? "",
    },
    h(
      "div",
      { class: "modal-head" },
      back,
      h("h2", { text: v.title?.text ?? "" }),
      h("button", { type: "button", class: "btn btn-icon modal-x", title: "Close", text: "×" }),
    ),
    h("div", { class: "modal-body" }, renderBlocks(v.blocks, ctx)),
    h("div", { class: "modal-foot" }, close, submit),
  );
  const doClose = () => track(api("/api/close", { user: S.user.id, viewId: top.id })).then(refresh);
  close.addEventListener("click", doClose);
  form.querySelector(".modal-x").addEventListener("click", doClose);
  back?.addEventListener("click", doClose);
  submit?.addEventListener("click", async () => {
    submit.disabled = true;
    submit.classList.add("loading");
    const r = await track(
      api("/api/submit", { user: S.user.id, viewId: top.id, values: currentValues(top.id) }),
    );
    submit.disabled = false;
    submit.classList.remove("loading");
    if (r?.responseAction === "errors" && r.errors) {
      S.errors.set(top.id, r.errors);
      layer.dataset.key = "";
    } else S.errors.delete(top.id);
    await refresh();
    if (r?.responseAction === "errors") drawModals();
  });
  layer.replaceChildren(h("div", { class: "modal-backdrop" }), form);
  layer.hidden = false;
  const first = form.querySelector(".modal-body input, .modal-body textarea, .modal-body select");
  if (first && !S.shownViews.has(top.id)) first.focus();
  S.shownViews.set(top.id, true);
}

async function act(body, button) {
  if (button) button.classList.add("loading");
  const r = await track(api("/api/action", { user: S.user.id, ...body }));
  if (button) button.classList.remove("loading");
  return r;
}

function confirmDialog(c) {
  return new Promise((resolve) => {
    const layer = $("dialog-layer");
    const yes = h("button", {
      type: "button",
      class: `btn ${c.style === "danger" ? "btn-danger" : "btn-primary"}`,
      "data-confirm": "yes",
      text: c.confirm?.text ?? "Yes",
    });
    const no = h("button", {
      type: "button",
      class: "btn",
      "data-confirm": "no",
      text: c.deny?.text ?? "Cancel",
    });
    const done = (v) => {
      layer.hidden = true;
      layer.replaceChildren();
      resolve(v);
    };
    yes.addEventListener("click", () => done(true));
    no.addEventListener("click", () => done(false));
    layer.replaceChildren(
      h("div", { class: "modal-backdrop" }),
      h(
        "div",
        { class: "modal confirm", role: "alertdialog" },
        h("div", { class: "modal-head" }, h("h2", { text: c.title?.text ?? "Are you sure?" })),
        h("div", { class: "modal-body" }, textEl(c.text, ctxBase(), "div")),
        h("div", { class: "modal-foot" }, no, yes),
      ),
    );
    layer.hidden = false;
    yes.focus();
  });
}

// ------------------------------------------------------------------ composer

let suggestionIndex = 0;
/** The @word being typed at the end of the box, if any. */
const mentionToken = (value) => /(^|\s)@([^\s@]*)$/.exec(value);

function suggestions() {
  const value = $("composer-input").value;
  const mention = mentionToken(value);
  if (mention) {
    const q = mention[2].toLowerCase();
    return S.people
      .filter((p) =>
        [p.handle, p.name, p.nameEn ?? ""].some((x) =>
          x.toLowerCase().replace(/\s+/g, "").includes(q.replace(/\s+/g, "")),
        ),
      )
      .slice(0, 12)
      .map((p) => ({
        insert: `${value.slice(0, value.length - mention[2].length - 1)}@${p.handle} `,
        label: `@${p.handle}`,
        usage: personLabel(p),
        description: p.roles.map((r) => ROLE_LABEL[r] ?? r).join(" · "),
        mention: true,
      }));
  }
  if (!value.startsWith("/")) return [];
  const q = value.toLowerCase();
  return S.commands
    .filter(
      (c) =>
        c.insert.toLowerCase().startsWith(q) || (q.length > 1 && c.insert.toLowerCase().trim() === q.trim()),
    )
    .slice(0, 12)
    .map((c) => ({ ...c, label: c.insert.trim(), usage: c.insert.trim() === c.command ? c.usage : "" }));
}

function drawSuggestions() {
  const box = $("suggestions");
  const list = suggestions();
  const value = $("composer-input").value;
  if (!list.length || list.some((c) => c.insert === value)) {
    box.hidden = true;
    return;
  }
  suggestionIndex = Math.min(suggestionIndex, list.length - 1);
  box.replaceChildren(
    h("div", { class: "menu-title", text: list[0].mention ? "People" : "Commands" }),
    ...list.map((c, i) => {
      const row = h(
        "div",
        {
          class: `suggestion${i === suggestionIndex ? " active" : ""}`,
          role: "option",
          "data-insert": c.insert,
        },
        h("span", { class: "s-cmd", text: c.label }),
        h("span", { class: "s-usage muted", text: c.usage }),
        h("span", { class: "s-desc muted small", text: c.description }),
      );
      row.addEventListener("mousedown", (ev) => {
        ev.preventDefault();
        pick(c);
      });
      return row;
    }),
  );
  box.hidden = false;
}

function pick(c) {
  const input = $("composer-input");
  input.value = c.insert;
  suggestionIndex = 0;
  input.focus();
  drawSuggestions();
}

async function send() {
  const input = $("composer-input");
  const text = input.value.trim();
  if (!text) return;
  input.value = "";
  $("suggestions").hidden = true;
  const r = await track(api("/api/command", { user: S.user.id, channel: channelRef(), text }));
  if (r && !r.ok && !r.error) toast("The app did not answer.", "error");
  await refresh();
}

function wireComposer() {
  const input = $("composer-input");
  input.addEventListener("input", () => {
    suggestionIndex = 0;
    drawSuggestions();
  });
  input.addEventListener("keydown", (ev) => {
    const box = $("suggestions");
    const list = box.hidden ? [] : suggestions();
    if (list.length && (ev.key === "ArrowDown" || ev.key === "ArrowUp")) {
      ev.preventDefault();
      suggestionIndex = (suggestionIndex + (ev.key === "ArrowDown" ? 1 : list.length - 1)) % list.length;
      drawSuggestions();
    } else if (list.length && ev.key === "Tab") {
      ev.preventDefault();
      pick(list[suggestionIndex]);
    } else if (ev.key === "Enter" && !ev.shiftKey) {
      ev.preventDefault();
      send();
    } else if (ev.key === "Escape") box.hidden = true;
  });
  input.addEventListener("blur", () => setTimeout(() => ($("suggestions").hidden = true), 150));
  $("composer").addEventListener("submit", (ev) => {
    ev.preventDefault();
    send();
  });
}

// ------------------------------------------------------------------ clock

function drawClock() {
  const c = S.clock;
  if (!c) return;
  const fmt = new Intl.DateTimeFormat("en-GB", {
    timeZone: c.timeZone,
    weekday: "short",
    day: "numeric",
    month: "short",
    year: "numeric",
    hour: "2-digit",
    minute: "2-digit",
  });
  const now = c.now + (Date.now() - (c.fetchedAt ?? Date.now()));
  $("clock-text").textContent = `${fmt.format(now)}${c.shifted ? " (set)" : ""}`;
  $("clock-button").classList.toggle("shifted", c.shifted);
  if (!$("clock-month").value) $("clock-month").value = c.month;
}

function wireClock() {
  $("clock-button").addEventListener("click", (ev) => {
    ev.stopPropagation();
    $("clock-panel").hidden = !$("clock-panel").hidden;
  });
  const jump = async (body) => {
    $("clock-result").textContent = "…";
    const r = await track(api("/api/clock", body));
    if (!r) {
      $("clock-result").textContent = "";
      return;
    }
    S.clock = { ...r.clock, fetchedAt: Date.now() };
    drawClock();
    const jobs = r.jobs;
    if (S.place === "home") track(api("/api/home", { user: S.user.id }));
    $("clock-result").textContent = jobs?.error
      ? `Jobs failed: ${jobs.error}`
      : jobs?.summary
        ? jobs.summary
        : `Clock set to ${$("clock-text").textContent}.`;
    await refresh();
  };
  for (const b of document.querySelectorAll("#clock-panel [data-day]")) {
    b.addEventListener("click", () =>
      jump({ month: $("clock-month").value, day: Number(b.dataset.day), time: "09:00" }),
    );
  }
  $("clock-reset").addEventListener("click", () => jump({ reset: true }));
}

// ------------------------------------------------------------------ live updates

function onActivity(a) {
  const me = S.user?.id;
  if (!me) return;
  let relevant = false;
  if (a.type.startsWith("message_")) {
    const here = a.channel === (S.place === "dm" || S.place === "home" ? `D${me}` : S.place);
    if (here && S.place !== "home") relevant = true;
    else {
      const place =
        a.channel === `D${me}` ? "dm" : S.channels.some((c) => c.id === a.channel) ? a.channel : null;
      if (place && a.type === "message_posted") {
        S.unread.add(place);
        drawSidebar();
      }
    }
  } else if (a.type.startsWith("ephemeral_")) relevant = a.user === me;
  else if (a.type.startsWith("view_") || a.type === "home_published") relevant = a.user === me;
  else if (a.type === "file_uploaded") relevant = true;
  else if (a.type === "violation") {
    toast(`Slack rule broken by the app: ${a.rule}: ${a.message}`, "error");
    console.warn("violation", a);
  }
  if (relevant) refresh();
}

function connect() {
  const es = new EventSource("/api/events");
  es.addEventListener("status", (ev) => showBoot(JSON.parse(ev.data)));
  es.addEventListener("activity", (ev) => onActivity(JSON.parse(ev.data)));
  es.addEventListener("clock", (ev) => {
    S.clock = { ...JSON.parse(ev.data), fetchedAt: Date.now() };
    drawClock();
  });
  es.addEventListener("open", () => {
    document.body.classList.remove("offline");
    if (S.user) refresh();
  });
  es.addEventListener("error", () => document.body.classList.add("offline"));
}

// ------------------------------------------------------------------ wiring

document.addEventListener("click", (ev) => {
  if (!ev.target.closest("#user-menu, #user-button")) $("user-menu").hidden = true;
  if (!ev.target.closest("#clock-panel, #clock-button")) $("clock-panel").hidden = true;
  if (!ev.target.closest(".overflow")) for (const m of document.querySelectorAll(".menu")) m.hidden = true;
});
$("user-button").addEventListener("click", () => ($("user-menu").hidden = !$("user-menu").hidden));
wireComposer();
wireClock();
setInterval(drawClock, 20_000);
connect();
