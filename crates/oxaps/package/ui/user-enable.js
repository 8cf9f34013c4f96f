// Users → Enable OX App Suite: give a service user of the account (one without OX yet) an OX
// mailbox: email (local part + one of the tenant's domains), profile and additional aliases.

import { T, errorMessage, idOf, link, linkId, rql } from "./lib/api.js";
import { busy, button, emailInput, failure, field, formError, frame, h, loading, select } from "./lib/components.js";
import { mailDomains, oxUsers, profiles, setup, usableDomainNames } from "./lib/data.js";
import { aliasRows, validLocal } from "./lib/forms.js";

export default async function (root, ctx) {
  const { t, api, tenantId } = await setup(ctx);
  const ui = frame(root, t, { id: "user-enable", title: t("enable.title"), back: () => ctx.navigate("users") });
  ui.content.append(loading(t));
  let data;
  try {
    const [serviceUsers, users, domains, profs] = await Promise.all([
      api.query(rql.implementing(T.serviceUser), rql.select("login", "displayName", "fullName", "givenName", "familyName", "email"), rql.sort("login")),
      oxUsers(api, tenantId, ["login", "user"]),
      mailDomains(api, tenantId),
      profiles(api),
    ]);
    const taken = new Set(users.map((u) => idOf(u.user) || linkId(u, "user")).filter(Boolean));
    data = { free: serviceUsers.filter((s) => !taken.has(idOf(s))), domains: usableDomainNames(domains), profiles: profs };
  } catch (error) {
    ui.content.replaceChildren(failure(t, error, () => ctx.navigate("user-enable", ctx.params || {})));
    return;
  }
  ui.content.replaceChildren();
  if (!data.domains.length) {
    ui.content.append(h("p", { class: "ox-notice", test: "enable-no-domain", text: t("enable.noDomain") }), button(t("enable.toDomains"), { test: "enable-to-domains", onClick: () => ctx.navigate("domains") }));
    return;
  }
  if (!data.free.length) {
    ui.content.append(h("p", { class: "ox-notice", test: "enable-no-users", text: t("enable.noServiceUsers") }));
    return;
  }

  const preset = ctx.params && ctx.params.serviceUser;
  const suSelect = select(
    data.free.map((s) => ({ value: idOf(s), label: s.displayName || s.fullName ? `${s.displayName || s.fullName} (${s.login})` : s.login })),
    { test: "enable-service-user", empty: t("enable.chooseUser"), value: preset || "" },
  );
  const email = emailInput(t, { domains: data.domains, test: "enable-email" });
  const profSelect = select(data.profiles.map((p) => ({ value: idOf(p), label: p.name })), { test: "enable-profile", value: idOf(data.profiles[0]) });
  const fUser = field({ label: t("enable.serviceUser"), control: suSelect, required: true, name: "serviceUser" });
  const fEmail = field({ label: t("enable.email"), control: email.el, required: true, name: "email", hint: t("enable.emailHint") });
  const fProfile = field({ label: t("enable.profile"), control: profSelect, required: true, name: "profile" });
  const aliases = aliasRows(t, data.domains, { test: "enable-alias" });
  const more = h("details", { class: "ox-more", test: "enable-more" }, h("summary", { test: "enable-more-toggle", text: t("enable.additional") }), field({ label: t("enable.aliases"), control: aliases.el, name: "aliases" }).el);
  const err = formError();
  const save = button(t("enable.save"), { test: "enable-save", kind: "primary", type: "submit" });
  const cancel = button(t("common.cancel"), { test: "enable-cancel", onClick: () => ctx.navigate("users") });
  const form = h("form", { class: "ox-form", novalidate: true, test: "enable-form" }, fUser.el, fEmail.el, fProfile.el, more, err.el, h("div", { class: "ox-actions" }, save, cancel));
  ui.content.append(form);

  // Suggest the service user's own login as the address when it is on one of the domains.
  suSelect.addEventListener("change", () => {
    const su = data.free.find((s) => idOf(s) === suSelect.value);
    const [local, domain] = String((su && su.login) || "").toLowerCase().split("@");
    if (su && !email.local.value.trim()) email.local.value = local || "";
    if (domain && data.domains.includes(domain)) email.domain.value = domain;
  });
  if (preset) suSelect.dispatchEvent(new Event("change"));

  function check() {
    [fUser, fEmail, fProfile].forEach((f) => f.clear());
    err.clear();
    const problems = [];
    if (!suSelect.value) problems.push([fUser, t("enable.errUser")]);
    if (!email.local.value.trim()) problems.push([fEmail, t("form.required")]);
    else if (!validLocal(email.local.value.trim())) problems.push([fEmail, t("form.badLocal")]);
    if (!profSelect.value) problems.push([fProfile, t("form.required")]);
    const bad = aliases.rows().filter((r) => r.local.value.trim() && !validLocal(r.local.value.trim()));
    if (bad.length) err.show(t("form.badAlias", { address: bad[0].value() }));
    problems.forEach(([f, m]) => f.setError(m));
    if (problems.length) problems[0][0].focus();
    else if (bad.length) bad[0].local.focus();
    return !problems.length && !bad.length;
  }

  form.addEventListener("submit", async (e) => {
    e.preventDefault();
    if (!check()) return;
    const su = data.free.find((s) => idOf(s) === suSelect.value);
    const login = email.value();
    await busy(save, async () => {
      let user;
      try {
        user = await api.create({
          aps: { type: T.user },
          login,
          displayName: su.displayName || su.fullName || login,
          givenName: su.givenName || "",
          surName: su.familyName || "",
          user: link(idOf(su)),
          tenant: link(tenantId),
          profile: link(profSelect.value),
        });
      } catch (error) {
        err.show(errorMessage(error, t));
        return;
      }
      const failed = [];
      for (const address of [...new Set(aliases.values())].filter((a) => a !== login)) {
        try {
          await api.create({ aps: { type: T.alias }, address, user: link(idOf(user)) });
        } catch (error) {
          failed.push(`${address}: ${errorMessage(error, t)}`);
        }
      }
      if (failed.length) {
        err.show(t("enable.aliasesFailed", { details: failed.join(" · ") }));
        save.replaceWith(button(t("enable.openUser"), { test: "enable-open-user", kind: "primary", onClick: () => ctx.navigate("user-edit", { id: idOf(user) }) }));
        return;
      }
      ctx.navigate("users");
    });
  });
}
