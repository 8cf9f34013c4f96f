// OX service tab → Users: the active view (cards with status badges) and the classic list; add,
// manage profile, edit (aliases), enable and disable (with confirmation).

import { errorMessage, failed, idOf, inProgress, removing } from "./lib/api.js";
import { badge, busy, button, confirmDialog, dialog, eachSettled, field, frame, failure, h, loading, refocus, select, table } from "./lib/components.js";
import { oxUsers, profiles, setup } from "./lib/data.js";

const VIEW_KEY = "oxaps.users.view";
const POLL_MS = 1500;

/** The status a customer sees for an OX user. */
export function userStatus(u) {
  if (removing(u)) return "removing";
  if (inProgress(u)) return "provisioning";
  if (failed(u)) return "error";
  return u.status === "disabled" ? "disabled" : "enabled";
}

export default async function (root, ctx) {
  const { t, api, tenantId } = await setup(ctx);
  const ui = frame(root, t, { id: "users", title: t("users.title") });
  const chosen = new Set();
  let users = [];
  let mode = readMode();
  let timer = null;

  const add = button(t("users.add"), { test: "users-add", kind: "primary", onClick: () => ctx.navigate("user-enable") });
  const manage = button(t("users.manageProfile"), { test: "users-profile", onClick: () => manageProfile() });
  const edit = button(t("users.edit"), { test: "users-edit", onClick: () => ctx.navigate("user-edit", { id: [...chosen][0] }) });
  const enable = button(t("users.enable"), { test: "users-enable", onClick: () => setStatus("enabled") });
  const disable = button(t("users.disable"), { test: "users-disable", kind: "danger", onClick: () => setStatus("disabled") });
  const activeBtn = button(t("users.viewActive"), { test: "users-view-active", onClick: () => setMode("active") });
  const classicBtn = button(t("users.viewClassic"), { test: "users-view-classic", onClick: () => setMode("classic") });
  const modes = h("div", { class: "ox-segmented", role: "group", "aria-label": t("users.viewLabel") }, activeBtn, classicBtn);
  ui.toolbar.append(add, manage, edit, enable, disable, h("span", { class: "ox-spacer" }), modes);
  const list = h("div", { class: "ox-users" });
  ui.content.append(list);

  function readMode() {
    try {
      return localStorage.getItem(VIEW_KEY) === "classic" ? "classic" : "active";
    } catch (e) {
      return "active";
    }
  }
  function setMode(m) {
    mode = m;
    try {
      localStorage.setItem(VIEW_KEY, m);
    } catch (e) {
      /* private mode: the choice lasts for this view only */
    }
    render();
  }
  const selectedUsers = () => users.filter((u) => chosen.has(idOf(u)));
  function updateActions() {
    const sel = selectedUsers();
    manage.disabled = sel.length !== 1 || inProgress(sel[0]);
    edit.disabled = sel.length !== 1;
    enable.disabled = !sel.some((u) => userStatus(u) === "disabled");
    disable.disabled = !sel.some((u) => userStatus(u) === "enabled");
    activeBtn.setAttribute("aria-pressed", String(mode === "active"));
    classicBtn.setAttribute("aria-pressed", String(mode === "classic"));
  }
  const profileName = (u) => (u.profile && u.profile.name) || "";
  const aliasCount = (u) => (Array.isArray(u.aliases) ? u.aliases.length : 0);
  const nameOf = (u) => u.displayName || u.login;

  function render() {
    const keys = new Set(users.map(idOf));
    [...chosen].forEach((k) => keys.has(k) || chosen.delete(k));
    list.replaceChildren(mode === "active" ? cards() : classic());
    updateActions();
  }

  function cards() {
    if (!users.length) return h("p", { class: "ox-empty", test: "users-empty", text: t("users.empty") });
    return h(
      "ul",
      { class: "ox-cards", test: "users-cards", "aria-label": t("users.title") },
      users.map((u) => {
        const id = idOf(u);
        const box = h("input", { type: "checkbox", test: "select", "aria-label": t("common.selectRow", { name: u.login }) });
        box.checked = chosen.has(id);
        box.addEventListener("change", () => {
          box.checked ? chosen.add(id) : chosen.delete(id);
          card.classList.toggle("ox-selected", box.checked);
          updateActions();
        });
        const card = h(
          "li",
          { class: `ox-card${chosen.has(id) ? " ox-selected" : ""}`, test: "users-card", "data-id": id, "data-name": u.login },
          h("div", { class: "ox-card-top" }, box, badge(t, userStatus(u))),
          h("button", { type: "button", class: "ox-link ox-card-name", test: "users-open", onClick: () => ctx.navigate("user-edit", { id }), text: nameOf(u) }),
          h("p", { class: "ox-card-login", text: u.login }),
          h(
            "dl",
            { class: "ox-card-facts" },
            h("dt", { text: t("users.profile") }),
            h("dd", { text: profileName(u) || "—" }),
            h("dt", { text: t("users.aliases") }),
            h("dd", { text: t.number(aliasCount(u)) }),
          ),
        );
        return card;
      }),
    );
  }

  function classic() {
    const tbl = table(t, {
      caption: t("users.title"),
      test: "users-table",
      rows: users,
      key: idOf,
      name: (u) => u.login,
      chosen,
      empty: t("users.empty"),
      columns: [
        { label: t("users.login"), render: (u) => h("button", { type: "button", class: "ox-link", test: "users-open", onClick: () => ctx.navigate("user-edit", { id: idOf(u) }), text: u.login }) },
        { label: t("users.displayName"), render: (u) => u.displayName || "" },
        { label: t("users.profile"), render: profileName },
        { label: t("users.aliases"), render: (u) => t.number(aliasCount(u)) },
        { label: t("users.status"), render: (u) => badge(t, userStatus(u)) },
      ],
    });
    tbl.onChange(updateActions);
    return tbl.el;
  }

  async function load(first = false) {
    clearTimeout(timer);
    if (first) list.replaceChildren(loading(t));
    try {
      users = await oxUsers(api, tenantId);
    } catch (error) {
      list.replaceChildren(failure(t, error, () => load(true)));
      return;
    }
    refocus(list, render, ui.heading);
    if (users.some(inProgress)) {
      timer = setTimeout(() => root.isConnected && load(), POLL_MS);
    }
  }

  async function manageProfile() {
    const [user] = selectedUsers();
    if (!user) return;
    let all;
    try {
      all = await busy(manage, () => profiles(api));
    } catch (error) {
      ui.toast(errorMessage(error, t), "error");
      return;
    }
    const current = idOf(user.profile);
    const sel = select(all.map((p) => ({ value: idOf(p), label: p.name })), { test: "profile-select", value: current });
    const f = field({ label: t("users.profile"), control: sel, name: "profile" });
    const done = await dialog(t, {
      title: t("users.manageProfileTitle", { login: user.login }),
      content: f.el,
      okLabel: t("common.save"),
      test: "profile-dialog",
      onOk: async () => {
        if (sel.value && sel.value !== current) await api.link(idOf(user), "profile", sel.value);
        return true;
      },
    });
    if (done) {
      ui.toast(t("users.profileChanged", { login: user.login }));
      load();
    }
  }

  async function setStatus(status) {
    const from = status === "enabled" ? "disabled" : "enabled";
    const targets = selectedUsers().filter((u) => userStatus(u) === from);
    if (!targets.length) return;
    if (status === "disabled") {
      const ok = await confirmDialog(t, {
        title: t("users.disableTitle"),
        message: t("users.disableConfirm", { names: targets.map((u) => u.login).join(", "), count: targets.length }),
        okLabel: t("users.disableOk"),
        test: "disable-dialog",
      });
      if (!ok) return;
    }
    const btn = status === "enabled" ? enable : disable;
    const failures = await busy(btn, () => eachSettled(targets, (u) => api.update(idOf(u), { status })));
    for (const f of failures) ui.toast(`${f.item.login}: ${errorMessage(f.error, t)}`, "error");
    if (failures.length < targets.length) {
      ui.toast(t(status === "enabled" ? "users.enabled" : "users.disabled", { count: targets.length - failures.length }));
    }
    load();
  }

  await load(true);
}
