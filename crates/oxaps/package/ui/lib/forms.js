// Form helpers shared by the edit screens: local-part checks and the alias editor.

import { button, emailInput, h } from "./components.js";

/** Whether `s` is a plausible local part of an address (OX checks it fully). */
export const validLocal = (s) => /^[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*$/.test(s);

/**
 * An editable list of new addresses (local part + domain) with add and remove buttons:
 * `{el, values() → [address], rows() → [{value(), local}]}`.
 */
export function aliasRows(t, domains, { test = "alias" } = {}) {
  const list = h("ul", { class: "ox-alias-rows", test: `${test}-rows` });
  const rows = [];
  function addRow() {
    const email = emailInput(t, { domains, test: `${test}-new` });
    const row = { email, value: email.value, local: email.local };
    const remove = button(t("aliases.removeRow"), { test: `${test}-remove-row`, ariaLabel: t("aliases.removeRow") });
    const li = h("li", { class: "ox-alias-row" }, email.el, remove);
    remove.addEventListener("click", () => {
      rows.splice(rows.indexOf(row), 1);
      li.remove();
      addBtn.focus();
    });
    rows.push(row);
    list.append(li);
    email.local.focus();
  }
  const addBtn = button(t("aliases.addRow"), { test: `${test}-add-row`, onClick: addRow });
  const el = h("div", { class: "ox-alias-editor" }, list, addBtn);
  return {
    el,
    rows: () => rows.slice(),
    values: () => rows.filter((r) => r.local.value.trim()).map((r) => r.value()),
  };
}
