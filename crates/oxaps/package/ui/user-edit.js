// Users → Manage user: profile (relink), OX App Suite status (enable / disable with confirmation)
// and aliases (add on one of the tenant's domains, remove).

import { T, errorMessage, failed, idOf, inProgress, link, removing, rql } from "./lib/api.js";
import { badge, busy, button, confirmDialog, emailInput, failure, field, formError, frame, h, loading, refocus, select } from "./lib/components.js";
import { mailDomains, profiles, setup, usableDomainNames } from "./lib/data.js";
import { validLocal } from "./lib/forms.js";
import { userStatus } from "./users.js";

const POLL_MS = 1500;

export default async function (root, ctx) {
  const { t, api, tenantId } = await setup(ctx);
  const id = ctx.params && ctx.params.id;
  const ui = frame(root, t, { id: "user-edit", title: t("edit.title"), back: () => ctx.navigate("users") });
  let timer = null;

  async function load(first = false) {
    clearTimeout(timer);
    if (first) ui.content.replaceChildren(loading(t));
    let user, profs, domains;
    try {
      const found = await api.query(rql.implementing(T.user), rql.eq("aps.id", id), rql.select("login", "displayName", "status", "profile", "aliases"));
      [profs, domains] = await Promise.all([profiles(api), mailDomains(api, tenantId)]);
      user = found[0];
      if (!user) throw Object.assign(new Error(), { notFound: true });
    } catch (error) {
      ui.content.replaceChildren(error.notFound ? h("p", { class: "ox-notice", role: "alert", test: "edit-not-found", text: t("error.notFound") }) : failure(t, error, () => load(true)));
      return;
    }
    refocus(ui.content, () => render(user, profs, usableDomainNames(domains)), ui.heading);
    const aliasBusy = (user.aliases || []).some(inProgress);
    if (inProgress(user) || aliasBusy) timer = setTimeout(() => root.isConnected && load(), POLL_MS);
  }

  function render(user, profs, domains) {
    ui.setTitle(t("edit.titleOf", { login: user.login }));
    const status = userStatus(user);
    const busyNow = inProgress(user);

    // Summary
    const summary = h(
      "section",
      { class: "ox-section", "aria-labelledby": "ox-edit-summary" },
      h("h3", { id: "ox-edit-summary", text: t("edit.summary") }),
      h(
        "dl",
        { class: "ox-facts" },
        h("dt", { text: t("users.login") }),
        h("dd", { test: "edit-login", text: user.login }),
        h("dt", { text: t("users.displayName") }),
        h("dd", { text: user.displayName || "—" }),
        h("dt", { text: t("users.status") }),
        h("dd", {}, badge(t, status)),
      ),
    );

    // Profile
    const current = idOf(user.profile);
    const profSel = select(profs.map((p) => ({ value: idOf(p), label: p.name })), { test: "edit-profile", value: current });
    const fProfile = field({ label: t("users.profile"), control: profSel, name: "profile" });
    const profErr = formError("profile-error");
    const saveProfile = button(t("edit.saveProfile"), { test: "edit-profile-save", kind: "primary", type: "submit", disabled: busyNow });
    const profForm = h("form", { class: "ox-form", novalidate: true }, fProfile.el, profErr.el, h("div", { class: "ox-actions" }, saveProfile));
    profForm.addEventListener("submit", async (e) => {
      e.preventDefault();
      profErr.clear();
      if (!profSel.value || profSel.value === current) return;
      await busy(saveProfile, async () => {
        try {
          await api.link(id, "profile", profSel.value);
          ui.toast(t("users.profileChanged", { login: user.login }));
          load();
        } catch (error) {
          profErr.show(errorMessage(error, t));
        }
      });
    });
    const profileSection = h("section", { class: "ox-section", "aria-labelledby": "ox-edit-profile" }, h("h3", { id: "ox-edit-profile", text: t("edit.profile") }), profForm);

    // Status
    const toggle =
      status === "disabled"
        ? button(t("users.enable"), { test: "edit-enable", kind: "primary", onClick: () => setStatus("enabled", toggle) })
        : button(t("users.disable"), { test: "edit-disable", kind: "danger", disabled: status !== "enabled", onClick: () => setStatus("disabled", toggle) });
    const statusSection = h(
      "section",
      { class: "ox-section", "aria-labelledby": "ox-edit-status" },
      h("h3", { id: "ox-edit-status", text: t("edit.status") }),
      h("p", { text: t(`edit.statusText.${status}`) }),
      h("div", { class: "ox-actions" }, toggle),
    );

    async function setStatus(next, btn) {
      if (next === "disabled") {
        const ok = await confirmDialog(t, {
          title: t("users.disableTitle"),
          message: t("users.disableConfirm", { names: user.login, count: 1 }),
          okLabel: t("users.disableOk"),
          test: "disable-dialog",
        });
        if (!ok) return;
      }
      await busy(btn, async () => {
        try {
          await api.update(id, { status: next });
          ui.toast(t(next === "enabled" ? "users.enabled" : "users.disabled", { count: 1 }));
          load();
        } catch (error) {
          ui.toast(errorMessage(error, t), "error");
        }
      });
    }

    // Aliases
    const aliases = Array.isArray(user.aliases) ? user.aliases.slice().sort((a, b) => String(a.address).localeCompare(String(b.address))) : [];
    const aliasList = aliases.length
      ? h(
          "ul",
          { class: "ox-alias-list", test: "edit-aliases" },
          aliases.map((a) => {
            const rm = button(t("aliases.remove"), { test: "edit-alias-remove", disabled: removing(a), ariaLabel: t("aliases.removeOne", { address: a.address }) });
            rm.addEventListener("click", async () => {
              await busy(rm, async () => {
                try {
                  await api.remove(idOf(a));
                  ui.toast(t("aliases.removed", { address: a.address }));
                  load();
                } catch (error) {
                  ui.toast(errorMessage(error, t), "error");
                }
              });
            });
            const state = removing(a) ? badge(t, "removing") : inProgress(a) ? badge(t, "provisioning") : failed(a) ? badge(t, "error") : null;
            return h("li", { class: "ox-alias", test: "edit-alias", "data-id": idOf(a), "data-name": a.address }, h("span", { class: "ox-alias-address", text: a.address }), state, rm);
          }),
        )
      : h("p", { class: "ox-empty", test: "edit-aliases-empty", text: t("aliases.none") });
    const email = emailInput(t, { domains, test: "edit-alias" });
    const fAlias = field({ label: t("aliases.new"), control: email.el, name: "alias" });
    const addAlias = button(t("aliases.add"), { test: "edit-alias-add", type: "submit" });
    const aliasErr = formError("alias-error");
    const aliasForm = h("form", { class: "ox-form ox-inline-form", novalidate: true }, fAlias.el, h("div", { class: "ox-actions" }, addAlias), aliasErr.el);
    aliasForm.addEventListener("submit", async (e) => {
      e.preventDefault();
      fAlias.clear();
      aliasErr.clear();
      const local = email.local.value.trim();
      if (!local) return fAlias.setError(t("form.required")) || email.local.focus();
      if (!validLocal(local)) return fAlias.setError(t("form.badLocal")) || email.local.focus();
      const address = email.value();
      await busy(addAlias, async () => {
        try {
          await api.create({ aps: { type: T.alias }, address, user: link(id) });
          ui.toast(t("aliases.added", { address }));
          load();
        } catch (error) {
          aliasErr.show(errorMessage(error, t));
          email.local.focus();
        }
      });
    });
    const aliasSection = h(
      "section",
      { class: "ox-section", "aria-labelledby": "ox-edit-aliases" },
      h("h3", { id: "ox-edit-aliases", text: t("users.aliases") }),
      aliasList,
      domains.length ? aliasForm : null,
    );

    ui.content.replaceChildren(summary, profileSection, statusSection, aliasSection);
  }

  if (!id) {
    ctx.navigate("users");
    return;
  }
  await load(true);
}
