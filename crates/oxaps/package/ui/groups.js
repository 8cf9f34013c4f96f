// OX service tab → Groups: list with members, add, edit (by the group's name), delete selected
// (with confirmation).

import { T, errorMessage, failed, idOf, inProgress, removing, rql } from "./lib/api.js";
import { badge, busy, button, confirmDialog, eachSettled, failure, frame, h, loading, refocus, table } from "./lib/components.js";
import { setup } from "./lib/data.js";

const POLL_MS = 1500;

/** The status of a resource that has no status of its own. */
export const stateOf = (r) => (removing(r) ? "removing" : inProgress(r) ? "provisioning" : failed(r) ? "error" : "ready");

export default async function (root, ctx) {
  const { t, api, tenantId } = await setup(ctx);
  const ui = frame(root, t, { id: "groups", title: t("groups.title") });
  const add = button(t("groups.add"), { test: "groups-add", kind: "primary", onClick: () => ctx.navigate("group-edit") });
  const del = button(t("groups.delete"), { test: "groups-delete", kind: "danger", disabled: true, onClick: () => remove() });
  ui.toolbar.append(add, del);
  let timer = null;
  const tbl = table(t, {
    caption: t("groups.title"),
    test: "groups-table",
    rows: [],
    key: idOf,
    name: (g) => g.name,
    empty: t("groups.empty"),
    columns: [
      { label: t("groups.name"), render: (g) => h("button", { type: "button", class: "ox-link", test: "groups-open", onClick: () => ctx.navigate("group-edit", { id: idOf(g) }), text: g.name }) },
      { label: t("groups.members"), render: (g) => memberNames(g) || "—", className: "ox-wrap" },
      { label: t("groups.count"), render: (g) => t.number((g.members || []).length) },
      { label: t("common.state"), render: (g) => badge(t, stateOf(g)) },
    ],
  });
  tbl.onChange((sel) => (del.disabled = !sel.length));
  const memberNames = (g) => (Array.isArray(g.members) ? g.members.map((m) => m.displayName || m.login).sort().join(", ") : "");

  async function load(first = false) {
    clearTimeout(timer);
    if (first) ui.content.replaceChildren(loading(t));
    let groups;
    try {
      groups = await api.query(rql.implementing(T.group), rql.linkedWith(tenantId), rql.select("name", "displayName", "members"), rql.sort("name"));
    } catch (error) {
      ui.content.replaceChildren(failure(t, error, () => load(true)));
      return;
    }
    refocus(ui.content, () => {
      if (!ui.content.contains(tbl.el)) ui.content.replaceChildren(tbl.el);
      tbl.setRows(groups);
    }, ui.heading);
    if (groups.some(inProgress)) timer = setTimeout(() => root.isConnected && load(), POLL_MS);
  }

  async function remove() {
    const sel = tbl.selected();
    if (!sel.length) return;
    const ok = await confirmDialog(t, {
      title: t("groups.deleteTitle"),
      message: t("groups.deleteConfirm", { names: sel.map((g) => g.name).join(", "), count: sel.length }),
      okLabel: t("common.delete"),
      test: "delete-dialog",
    });
    if (!ok) return;
    const failures = await busy(del, () => eachSettled(sel, (g) => api.remove(idOf(g))));
    for (const f of failures) ui.toast(`${f.item.name}: ${errorMessage(f.error, t)}`, "error");
    if (failures.length < sel.length) ui.toast(t("groups.deleted", { count: sel.length - failures.length }));
    load();
  }

  await load(true);
}
