// Domains → Add subdomain: a label under one of the tenant's own domains, with a catch-all.

import { T, errorMessage, link } from "./lib/api.js";
import { busy, button, failure, field, formError, frame, h, input, loading, select } from "./lib/components.js";
import { catchAllChoices, mailDomains, mailboxes, oxUsers, setup } from "./lib/data.js";

/** Whether `s` is a DNS label (letters, digits, inner hyphens, 1-63). */
export const validLabel = (s) => /^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/i.test(s);

export default async function (root, ctx) {
  const { t, api, tenantId } = await setup(ctx);
  const ui = frame(root, t, { id: "subdomain-new", title: t("subdomain.title"), back: () => ctx.navigate("domains") });
  ui.content.append(loading(t));
  let own, boxes;
  try {
    const [domains, users] = await Promise.all([mailDomains(api, tenantId), oxUsers(api, tenantId, ["login", "aliases"])]);
    own = domains.filter((d) => d.kind === "domain");
    boxes = mailboxes(users);
  } catch (error) {
    ui.content.replaceChildren(failure(t, error, () => ctx.navigate("subdomain-new", ctx.params || {})));
    return;
  }
  const cancel = button(t("common.cancel"), { test: "subdomain-cancel", onClick: () => ctx.navigate("domains") });
  if (!own.length) {
    ui.content.replaceChildren(h("p", { class: "ox-notice", test: "subdomain-no-domain", text: t("subdomain.noDomain") }), h("div", { class: "ox-actions" }, cancel));
    return;
  }
  const labelIn = input({ test: "subdomain-label", maxlength: "63", autocomplete: "off", spellcheck: "false", "aria-label": t("subdomain.label") });
  const domainSel = select(own.map((d) => ({ value: d.id, label: d.name })), { test: "subdomain-domain", value: (ctx.params && ctx.params.domain) || own[0].id, ariaLabel: t("common.domain") });
  const nameGroup = h("div", { class: "ox-email" }, labelIn, h("span", { class: "ox-at", "aria-hidden": "true", text: "." }), domainSel);
  const fName = field({ label: t("subdomain.label"), control: nameGroup, required: true, name: "label", hint: t("subdomain.labelHint") });
  const catchSel = select([], { test: "subdomain-catchall" });
  const fCatch = field({ label: t("domains.catchAll"), control: catchSel, name: "catchAll", hint: t("domainEdit.catchAllHint") });
  const fullName = () => `${labelIn.value.trim().toLowerCase()}.${(own.find((d) => d.id === domainSel.value) || {}).name}`;
  function fillCatchAll() {
    const keep = catchSel.value;
    const choices = catchAllChoices(boxes, fullName());
    catchSel.replaceChildren(h("option", { value: "", text: t("domainEdit.noCatchAll") }), ...choices.map((m) => h("option", { value: m, text: m })));
    catchSel.value = choices.includes(keep) ? keep : "";
  }
  fillCatchAll();
  domainSel.addEventListener("change", fillCatchAll);
  const err = formError();
  const save = button(t("common.save"), { test: "subdomain-save", kind: "primary", type: "submit" });
  const form = h("form", { class: "ox-form", novalidate: true, test: "subdomain-form" }, fName.el, fCatch.el, err.el, h("div", { class: "ox-actions" }, save, cancel));
  ui.content.replaceChildren(form);
  form.addEventListener("submit", async (e) => {
    e.preventDefault();
    fName.clear();
    err.clear();
    const label = labelIn.value.trim().toLowerCase();
    if (!label || !validLabel(label)) {
      fName.setError(t(label ? "subdomain.badLabel" : "form.required"));
      labelIn.focus();
      return;
    }
    await busy(save, async () => {
      try {
        await api.create({ aps: { type: T.subdomain }, label, catchAll: catchSel.value, domain: link(domainSel.value) });
      } catch (error) {
        err.show(errorMessage(error, t));
        labelIn.focus();
        return;
      }
      ctx.navigate("domains");
    });
  });
}
