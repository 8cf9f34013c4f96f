// Plug-in for the platform's "Add new service user" wizard: the OX App Suite checkbox and a
// profile. After the wizard created the service user, afterCreate() creates its OX user.

import { T, errorMessage, idOf, link } from "../lib/api.js";
import { field, formError, h, select } from "../lib/components.js";
import { profiles, setup } from "../lib/data.js";

export default async function (root, ctx) {
  const { t, api, tenantId } = await setup(ctx);
  root.replaceChildren();
  root.classList.add("oxaps");
  root.setAttribute("lang", t.locale);
  const err = formError("ox-user-create-error");
  let profs = [];
  try {
    profs = await profiles(api);
  } catch (error) {
    err.show(errorMessage(error, t));
  }
  const box = h("input", { type: "checkbox", id: "oxaps-uc-enable", test: "ox-enable" });
  const profSel = select(profs.map((p) => ({ value: idOf(p), label: p.name })), { test: "ox-profile", value: profs.length ? idOf(profs[0]) : "" });
  profSel.disabled = true;
  const fProfile = field({ label: t("plugin.profile"), control: profSel, name: "ox-profile" });
  box.addEventListener("change", () => {
    profSel.disabled = !box.checked;
    fProfile.el.hidden = !box.checked;
  });
  fProfile.el.hidden = true;
  root.append(
    h(
      "fieldset",
      { class: "ox-plugin", test: "ox-user-create" },
      h("legend", { text: t("plugin.legend") }),
      h("div", { class: "ox-check-field" }, box, h("label", { for: box.id, text: t("plugin.enable") })),
      h("p", { class: "ox-hint", text: t("plugin.hint") }),
      fProfile.el,
      err.el,
    ),
  );
  return {
    /** Whether the OX box is ticked (the wizard's summary shows it). */
    get enabled() {
      return box.checked;
    },
    /** The summary line for the wizard's last step. */
    summary() {
      const p = profs.find((x) => idOf(x) === profSel.value);
      return box.checked ? t("plugin.summaryOn", { profile: p ? p.name : "" }) : t("plugin.summaryOff");
    },
    /** Creates the OX user of `serviceUser` when the box is ticked; resolves with it (or null). */
    async afterCreate(serviceUser) {
      err.clear();
      if (!box.checked) return null;
      try {
        return await api.create({
          aps: { type: T.user },
          login: String(serviceUser.login || "").toLowerCase(),
          displayName: serviceUser.displayName || serviceUser.fullName || serviceUser.login,
          givenName: serviceUser.givenName || "",
          surName: serviceUser.familyName || "",
          user: link(idOf(serviceUser)),
          tenant: link(tenantId),
          profile: link(profSel.value),
        });
      } catch (error) {
        // The platform's wizard shows what it catches: give it the customer's sentence, not the
        // raw answer.
        const message = errorMessage(error, t);
        err.show(message);
        throw new Error(message);
      }
    },
  };
}
