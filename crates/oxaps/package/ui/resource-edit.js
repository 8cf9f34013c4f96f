// Resources → Resource: name, manager (an OX user), display name, description and email on one of
// the tenant's domains. Saved with POST (new) or PUT (changes) and a relink of the manager.

import { T, errorMessage, idOf, link, rql } from "./lib/api.js";
import { busy, button, emailInput, failure, field, formError, frame, h, input, loading, select } from "./lib/components.js";
import { mailDomains, oxUsers, setup, usableDomainNames } from "./lib/data.js";
import { validLocal } from "./lib/forms.js";

export default async function (root, ctx) {
  const { t, api, tenantId } = await setup(ctx);
  const id = ctx.params && ctx.params.id;
  const ui = frame(root, t, { id: "resource-edit", title: t(id ? "resourceEdit.titleEdit" : "resourceEdit.titleNew"), back: () => ctx.navigate("resources") });
  ui.content.append(loading(t));
  let res = null;
  let users, domains;
  try {
    const [found, us, ds] = await Promise.all([
      id ? api.query(rql.implementing(T.resource), rql.eq("aps.id", id), rql.select("name", "displayName", "description", "email", "manager")) : Promise.resolve([]),
      oxUsers(api, tenantId, ["login", "displayName"]),
      mailDomains(api, tenantId),
    ]);
    res = found[0] || null;
    users = us;
    domains = usableDomainNames(ds);
    if (id && !res) {
      ui.content.replaceChildren(h("p", { class: "ox-notice", role: "alert", test: "resource-not-found", text: t("error.notFound") }));
      return;
    }
  } catch (error) {
    ui.content.replaceChildren(failure(t, error, () => ctx.navigate("resource-edit", ctx.params || {})));
    return;
  }
  if (res) ui.setTitle(t("resourceEdit.titleOf", { name: res.displayName || res.name }));
  const [local, domain] = res && res.email ? res.email.split("@") : ["", ""];
  if (domain && !domains.includes(domain)) domains.unshift(domain);
  if (!domains.length) {
    ui.content.replaceChildren(h("p", { class: "ox-notice", test: "resource-no-domain", text: t("enable.noDomain") }));
    return;
  }

  const nameIn = input({ test: "resource-name", value: res ? res.name : "", maxlength: "128", autocomplete: "off" });
  const managerId = res && res.manager ? idOf(res.manager) : "";
  const managerSel = select(
    users.map((u) => ({ value: idOf(u), label: u.displayName && u.displayName !== u.login ? `${u.displayName} (${u.login})` : u.login })),
    { test: "resource-manager", empty: t("resourceEdit.noManager"), value: managerId },
  );
  const displayIn = input({ test: "resource-display-name", value: res ? res.displayName || "" : "", autocomplete: "off" });
  const descIn = h("textarea", { class: "ox-input", rows: "3", test: "resource-description" });
  descIn.value = res ? res.description || "" : "";
  const email = emailInput(t, { domains, test: "resource-email", local, domain });
  const fName = field({ label: t("resources.name"), control: nameIn, required: true, name: "name" });
  const fManager = field({ label: t("resources.manager"), control: managerSel, name: "manager" });
  const fDisplay = field({ label: t("resources.displayName"), control: displayIn, required: true, name: "displayName" });
  const fDesc = field({ label: t("resources.description"), control: descIn, name: "description", hint: t("form.optional") });
  const fEmail = field({ label: t("resources.email"), control: email.el, required: true, name: "email" });
  const err = formError();
  const save = button(t("resourceEdit.save"), { test: "resource-save", kind: "primary", type: "submit" });
  const cancel = button(t("common.cancel"), { test: "resource-cancel", onClick: () => ctx.navigate("resources") });
  const form = h("form", { class: "ox-form", novalidate: true, test: "resource-form" }, fName.el, fManager.el, fDisplay.el, fDesc.el, fEmail.el, err.el, h("div", { class: "ox-actions" }, save, cancel));
  ui.content.replaceChildren(form);

  function check() {
    const fields = [fName, fDisplay, fEmail];
    fields.forEach((f) => f.clear());
    err.clear();
    const problems = [];
    if (!nameIn.value.trim()) problems.push([fName, t("form.required")]);
    if (!displayIn.value.trim()) problems.push([fDisplay, t("form.required")]);
    const l = email.local.value.trim();
    if (!l) problems.push([fEmail, t("form.required")]);
    else if (!validLocal(l)) problems.push([fEmail, t("form.badLocal")]);
    problems.forEach(([f, m]) => f.setError(m));
    if (problems.length) problems[0][0].focus();
    return !problems.length;
  }

  form.addEventListener("submit", async (e) => {
    e.preventDefault();
    if (!check()) return;
    const props = { name: nameIn.value.trim(), displayName: displayIn.value.trim(), description: descIn.value.trim(), email: email.value() };
    await busy(save, async () => {
      try {
        if (!res) {
          const body = { aps: { type: T.resource }, ...props, tenant: link(tenantId) };
          if (managerSel.value) body.manager = link(managerSel.value);
          res = await api.create(body);
        } else {
          const changes = Object.fromEntries(Object.entries(props).filter(([k, v]) => (res[k] || "") !== v));
          if (Object.keys(changes).length) res = { ...res, ...(await api.update(id, changes)) };
          if (managerSel.value !== managerId) {
            if (managerSel.value) await api.link(id, "manager", managerSel.value);
            else if (managerId) await api.unlink(id, "manager", managerId);
          }
        }
      } catch (error) {
        err.show(errorMessage(error, t));
        return;
      }
      ctx.navigate("resources");
    });
  });
}
