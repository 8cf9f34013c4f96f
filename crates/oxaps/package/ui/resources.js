// OX service tab → Resources: list, add, edit (by the display name), delete selected (with
// confirmation).

import { T, errorMessage, idOf, inProgress, rql } from "./lib/api.js";
import { badge, busy, button, confirmDialog, eachSettled, failure, frame, h, loading, refocus, table } from "./lib/components.js";
import { setup } from "./lib/data.js";
import { stateOf } from "./groups.js";

const POLL_MS = 1500;

export default async function (root, ctx) {
  const { t, api, tenantId } = await setup(ctx);
  const ui = frame(root, t, { id: "resources", title: t("resources.title") });
  const add = button(t("resources.add"), { test: "resources-add", kind: "primary", onClick: () => ctx.navigate("resource-edit") });
  const del = button(t("resources.delete"), { test: "resources-delete", kind: "danger", disabled: true, onClick: () => remove() });
  ui.toolbar.append(add, del);
  let timer = null;
  const tbl = table(t, {
    caption: t("resources.title"),
    test: "resources-table",
    rows: [],
    key: idOf,
    name: (r) => r.name,
    empty: t("resources.empty"),
    columns: [
      { label: t("resources.displayName"), render: (r) => h("button", { type: "button", class: "ox-link", test: "resources-open", onClick: () => ctx.navigate("resource-edit", { id: idOf(r) }), text: r.displayName || r.name }) },
      { label: t("resources.name"), render: (r) => r.name },
      { label: t("resources.email"), render: (r) => r.email || "" },
      { label: t("resources.manager"), render: (r) => (r.manager && (r.manager.displayName || r.manager.login)) || "—" },
      { label: t("common.state"), render: (r) => badge(t, stateOf(r)) },
    ],
  });
  tbl.onChange((sel) => (del.disabled = !sel.length));

  async function load(first = false) {
    clearTimeout(timer);
    if (first) ui.content.replaceChildren(loading(t));
    let rows;
    try {
      rows = await api.query(rql.implementing(T.resource), rql.linkedWith(tenantId), rql.select("name", "displayName", "description", "email", "manager"), rql.sort("displayName"));
    } catch (error) {
      ui.content.replaceChildren(failure(t, error, () => load(true)));
      return;
    }
    refocus(ui.content, () => {
      if (!ui.content.contains(tbl.el)) ui.content.replaceChildren(tbl.el);
      tbl.setRows(rows);
    }, ui.heading);
    if (rows.some(inProgress)) timer = setTimeout(() => root.isConnected && load(), POLL_MS);
  }

  async function remove() {
    const sel = tbl.selected();
    if (!sel.length) return;
    const ok = await confirmDialog(t, {
      title: t("resources.deleteTitle"),
      message: t("resources.deleteConfirm", { names: sel.map((r) => r.displayName || r.name).join(", "), count: sel.length }),
      okLabel: t("common.delete"),
      test: "delete-dialog",
    });
    if (!ok) return;
    const failures = await busy(del, () => eachSettled(sel, (r) => api.remove(idOf(r))));
    for (const f of failures) ui.toast(`${f.item.name}: ${errorMessage(f.error, t)}`, "error");
    if (failures.length < sel.length) ui.toast(t("resources.deleted", { count: sel.length - failures.length }));
    load();
  }

  await load(true);
}
