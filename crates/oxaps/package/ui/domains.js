// OX service tab → Domains: the tenant's domains with their subdomains (and shared subdomains),
// add domain, add subdomain, edit (the pencil in the Actions column), remove selected.

import { errorMessage, inProgress } from "./lib/api.js";
import { badge, busy, button, confirmDialog, eachSettled, failure, frame, h, loading, refocus, table } from "./lib/components.js";
import { mailDomains, setup } from "./lib/data.js";
import { stateOf } from "./groups.js";

const POLL_MS = 1500;

export default async function (root, ctx) {
  const { t, api, tenantId } = await setup(ctx);
  const ui = frame(root, t, { id: "domains", title: t("domains.title") });
  const add = button(t("domains.add"), { test: "domains-add", kind: "primary", onClick: () => ctx.navigate("domain-edit") });
  const addSub = button(t("domains.addSubdomain"), { test: "domains-add-subdomain", onClick: () => ctx.navigate("subdomain-new") });
  const del = button(t("domains.remove"), { test: "domains-remove", kind: "danger", disabled: true, onClick: () => remove() });
  ui.toolbar.append(add, addSub, del);
  let timer = null;
  const tbl = table(t, {
    caption: t("domains.title"),
    test: "domains-table",
    rows: [],
    key: (d) => d.id,
    name: (d) => d.name,
    empty: t("domains.empty"),
    columns: [
      { label: t("domains.name"), render: (d) => h("span", { class: d.kind === "subdomain" ? "ox-indent" : null, text: d.name }) },
      { label: t("domains.kind"), render: (d) => t(`domains.kind.${d.kind}`) },
      { label: t("domains.catchAll"), render: (d) => d.catchAll || "—" },
      { label: t("common.state"), render: (d) => badge(t, stateOf(d.resource)) },
      {
        label: t("common.actions"),
        render: (d) =>
          h(
            "button",
            { type: "button", class: "ox-icon-btn", test: "domains-edit", "aria-label": t("domains.editOne", { name: d.name }), title: t("domains.editOne", { name: d.name }), onClick: () => ctx.navigate("domain-edit", { id: d.id }) },
            h("span", { "aria-hidden": "true", text: "✎" }),
          ),
      },
    ],
  });
  tbl.onChange((sel) => (del.disabled = !sel.length));

  async function load(first = false) {
    clearTimeout(timer);
    if (first) ui.content.replaceChildren(loading(t));
    let rows;
    try {
      rows = await mailDomains(api, tenantId);
    } catch (error) {
      ui.content.replaceChildren(failure(t, error, () => load(true)));
      return;
    }
    addSub.disabled = !rows.some((d) => d.kind === "domain");
    refocus(ui.content, () => {
      if (!ui.content.contains(tbl.el)) ui.content.replaceChildren(tbl.el);
      tbl.setRows(rows);
    }, ui.heading);
    if (rows.some((d) => inProgress(d.resource))) timer = setTimeout(() => root.isConnected && load(), POLL_MS);
  }

  async function remove() {
    const sel = tbl.selected();
    if (!sel.length) return;
    const ids = new Set(sel.map((d) => d.id));
    // A removed domain takes its subdomains with it: remove subdomains first, skip those whose
    // domain is removed too.
    const order = [...sel.filter((d) => d.kind === "subdomain" && !ids.has(d.parent)), ...sel.filter((d) => d.kind !== "subdomain")];
    const subs = sel.filter((d) => d.kind === "domain").length;
    const ok = await confirmDialog(t, {
      title: t("domains.removeTitle"),
      message: t(subs ? "domains.removeConfirmWithSubs" : "domains.removeConfirm", { names: sel.map((d) => d.name).join(", "), count: sel.length }),
      okLabel: t("domains.removeOk"),
      test: "delete-dialog",
    });
    if (!ok) return;
    const failures = await busy(del, () => eachSettled(order, (d) => api.remove(d.id)));
    for (const f of failures) ui.toast(`${f.item.name}: ${errorMessage(f.error, t)}`, "error");
    if (failures.length < order.length) ui.toast(t("domains.removed", { count: order.length - failures.length }));
    load();
  }

  await load(true);
}
