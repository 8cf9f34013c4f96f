// Domains → Domain: add a domain (one of the account's hosted DNS zones that is not a domain of
// the tenant yet; oxaps needs the zone link for the mail records) with a catch-all, or edit the
// catch-all of a domain, subdomain or shared subdomain.

import { T, errorMessage, idOf, link, rql } from "./lib/api.js";
import { busy, button, failure, field, formError, frame, h, loading, select } from "./lib/components.js";
import { catchAllChoices, mailDomains, mailboxes, oxUsers, setup } from "./lib/data.js";

const bare = (name) => String(name || "").trim().replace(/\.$/, "").toLowerCase();

export default async function (root, ctx) {
  const { t, api, tenantId } = await setup(ctx);
  const id = ctx.params && ctx.params.id;
  const ui = frame(root, t, { id: "domain-edit", title: t(id ? "domainEdit.titleEdit" : "domainEdit.titleNew"), back: () => ctx.navigate("domains") });
  ui.content.append(loading(t));
  let current = null;
  let zones = [];
  let boxes;
  try {
    const [found, users, domains, zs] = await Promise.all([
      id ? api.get(id) : Promise.resolve(null),
      oxUsers(api, tenantId, ["login", "aliases"]),
      id ? Promise.resolve([]) : mailDomains(api, tenantId),
      id ? Promise.resolve([]) : api.query(rql.implementing(T.dnsZone), rql.select("name"), rql.sort("name")),
    ]);
    current = found;
    boxes = mailboxes(users);
    const used = new Set(domains.map((d) => bare(d.name)));
    zones = zs.filter((z) => z.name && !used.has(bare(z.name)));
  } catch (error) {
    ui.content.replaceChildren(failure(t, error, () => ctx.navigate("domain-edit", ctx.params || {})));
    return;
  }

  const err = formError();
  const catchSel = select([], { test: "domain-catchall" });
  const fCatch = field({ label: t("domains.catchAll"), control: catchSel, name: "catchAll", hint: t("domainEdit.catchAllHint") });
  function fillCatchAll(name, value) {
    const choices = catchAllChoices(boxes, name);
    if (value && !choices.includes(value)) choices.unshift(value);
    catchSel.replaceChildren(h("option", { value: "", text: t("domainEdit.noCatchAll") }), ...choices.map((m) => h("option", { value: m, text: m })));
    catchSel.value = value || "";
  }
  const save = button(t("common.save"), { test: "domain-save", kind: "primary", type: "submit" });
  const cancel = button(t("common.cancel"), { test: "domain-cancel", onClick: () => ctx.navigate("domains") });
  const actions = h("div", { class: "ox-actions" }, save, cancel);

  if (current) {
    const name = current.name || "";
    ui.setTitle(t("domainEdit.titleOf", { name }));
    fillCatchAll(name, current.catchAll || "");
    const nameOut = h("p", { class: "ox-readonly", test: "domain-name", text: name });
    const form = h("form", { class: "ox-form", novalidate: true, test: "domain-form" }, h("div", { class: "ox-field" }, h("span", { class: "ox-label", text: t("domains.name") }), nameOut), fCatch.el, err.el, actions);
    ui.content.replaceChildren(form);
    form.addEventListener("submit", async (e) => {
      e.preventDefault();
      err.clear();
      await busy(save, async () => {
        try {
          if ((current.catchAll || "") !== catchSel.value) await api.update(id, { catchAll: catchSel.value });
        } catch (error) {
          err.show(errorMessage(error, t));
          catchSel.focus();
          return;
        }
        ctx.navigate("domains");
      });
    });
    return;
  }

  if (!zones.length) {
    ui.content.replaceChildren(h("p", { class: "ox-notice", test: "domain-no-zone", text: t("domainEdit.noZone") }), h("div", { class: "ox-actions" }, cancel));
    return;
  }
  const zoneSel = select(zones.map((z) => ({ value: idOf(z), label: bare(z.name) })), { test: "domain-zone", value: idOf(zones[0]) });
  const fZone = field({ label: t("domainEdit.zone"), control: zoneSel, required: true, name: "zone", hint: t("domainEdit.zoneHint") });
  const zoneName = () => bare((zones.find((z) => idOf(z) === zoneSel.value) || {}).name);
  fillCatchAll(zoneName(), "");
  zoneSel.addEventListener("change", () => fillCatchAll(zoneName(), catchSel.value));
  const form = h("form", { class: "ox-form", novalidate: true, test: "domain-form" }, fZone.el, fCatch.el, err.el, actions);
  ui.content.replaceChildren(form);
  form.addEventListener("submit", async (e) => {
    e.preventDefault();
    err.clear();
    await busy(save, async () => {
      try {
        await api.create({ aps: { type: T.domain }, name: zoneName(), catchAll: catchSel.value, tenant: link(tenantId), zone: link(zoneSel.value) });
      } catch (error) {
        err.show(errorMessage(error, t));
        zoneSel.focus();
        return;
      }
      ctx.navigate("domains");
    });
  });
}
