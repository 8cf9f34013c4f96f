// Groups → Group: name and members. New groups are created, then their members linked; existing
// ones get a PUT for a new name and link / unlink calls for the member changes.

import { T, errorMessage, idOf, link, rql } from "./lib/api.js";
import { busy, button, failure, field, formError, frame, h, input, loading } from "./lib/components.js";
import { oxUsers, setup } from "./lib/data.js";

export default async function (root, ctx) {
  const { t, api, tenantId } = await setup(ctx);
  const id = ctx.params && ctx.params.id;
  const ui = frame(root, t, { id: "group-edit", title: t(id ? "groupEdit.titleEdit" : "groupEdit.titleNew"), back: () => ctx.navigate("groups") });
  ui.content.append(loading(t));
  let group = null;
  let users;
  try {
    const [found, us] = await Promise.all([
      id ? api.query(rql.implementing(T.group), rql.eq("aps.id", id), rql.select("name", "displayName", "members")) : Promise.resolve([]),
      oxUsers(api, tenantId, ["login", "displayName"]),
    ]);
    users = us;
    group = found[0] || null;
    if (id && !group) {
      ui.content.replaceChildren(h("p", { class: "ox-notice", role: "alert", test: "group-not-found", text: t("error.notFound") }));
      return;
    }
  } catch (error) {
    ui.content.replaceChildren(failure(t, error, () => ctx.navigate("group-edit", ctx.params || {})));
    return;
  }
  if (group) ui.setTitle(t("groupEdit.titleOf", { name: group.name }));

  const original = new Set((group && group.members ? group.members : []).map(idOf));
  const members = new Set(original);
  const label = (u) => (u.displayName && u.displayName !== u.login ? `${u.displayName} (${u.login})` : u.login);

  const nameIn = input({ test: "group-name", value: group ? group.name : "", maxlength: "128", autocomplete: "off" });
  const fName = field({ label: t("groups.name"), control: nameIn, required: true, name: "name" });

  const availableSel = h("select", { multiple: true, size: "8", class: "ox-input ox-listbox", test: "group-available" });
  const membersSel = h("select", { multiple: true, size: "8", class: "ox-input ox-listbox", test: "group-members" });
  const fAvail = field({ label: t("groupEdit.available"), control: availableSel, name: "available" });
  const fMembers = field({ label: t("groups.members"), control: membersSel, name: "members" });
  const addBtn = button(t("groupEdit.addMembers"), { test: "group-add-members", ariaLabel: t("groupEdit.addMembers") });
  const removeBtn = button(t("groupEdit.removeMembers"), { test: "group-remove-members", ariaLabel: t("groupEdit.removeMembers") });
  const live = h("p", { class: "ox-sr", "aria-live": "polite" });

  function fill() {
    const opt = (u) => h("option", { value: idOf(u), "data-name": u.login, text: label(u) });
    availableSel.replaceChildren(...users.filter((u) => !members.has(idOf(u))).map(opt));
    membersSel.replaceChildren(...users.filter((u) => members.has(idOf(u))).map(opt));
    // Members that are not in the user list (e.g. being removed) stay visible.
    for (const m of group && group.members ? group.members : []) {
      if (members.has(idOf(m)) && !users.some((u) => idOf(u) === idOf(m))) membersSel.append(opt(m));
    }
  }
  function move(from, into) {
    const picked = [...from.selectedOptions].map((o) => o.value);
    if (!picked.length) return;
    picked.forEach((v) => (into ? members.add(v) : members.delete(v)));
    fill();
    live.textContent = t(into ? "groupEdit.added" : "groupEdit.removed", { count: picked.length });
  }
  addBtn.addEventListener("click", () => move(availableSel, true));
  removeBtn.addEventListener("click", () => move(membersSel, false));
  availableSel.addEventListener("dblclick", () => move(availableSel, true));
  membersSel.addEventListener("dblclick", () => move(membersSel, false));
  availableSel.addEventListener("keydown", (e) => e.key === "Enter" && (e.preventDefault(), move(availableSel, true)));
  membersSel.addEventListener("keydown", (e) => (e.key === "Delete" || e.key === "Enter") && (e.preventDefault(), move(membersSel, false)));
  fill();

  const picker = h("div", { class: "ox-picker" }, fAvail.el, h("div", { class: "ox-picker-buttons" }, addBtn, removeBtn), fMembers.el, live);
  const err = formError();
  const save = button(t("common.save"), { test: "group-save", kind: "primary", type: "submit" });
  const cancel = button(t("common.cancel"), { test: "group-cancel", onClick: () => ctx.navigate("groups") });
  const form = h("form", { class: "ox-form", novalidate: true, test: "group-form" }, fName.el, picker, err.el, h("div", { class: "ox-actions" }, save, cancel));
  ui.content.replaceChildren(form);

  form.addEventListener("submit", async (e) => {
    e.preventDefault();
    fName.clear();
    err.clear();
    const name = nameIn.value.trim();
    if (!name) {
      fName.setError(t("form.required"));
      nameIn.focus();
      return;
    }
    await busy(save, async () => {
      let gid = group ? idOf(group) : null;
      try {
        if (!group) {
          const created = await api.create({ aps: { type: T.group }, name, tenant: link(tenantId) });
          gid = idOf(created);
          group = created;
        } else if (name !== group.name) {
          await api.update(gid, { name });
        }
      } catch (error) {
        err.show(errorMessage(error, t));
        nameIn.focus();
        return;
      }
      const problems = [];
      for (const uid of members) {
        if (original.has(uid)) continue;
        try {
          await api.link(gid, "members", uid);
          original.add(uid);
        } catch (error) {
          problems.push(errorMessage(error, t));
        }
      }
      for (const uid of [...original]) {
        if (members.has(uid)) continue;
        try {
          await api.unlink(gid, "members", uid);
          original.delete(uid);
        } catch (error) {
          problems.push(errorMessage(error, t));
        }
      }
      if (problems.length) {
        err.show(t("groupEdit.membersFailed", { details: problems.join(" · ") }));
        return;
      }
      ctx.navigate("groups");
    });
  });
}
