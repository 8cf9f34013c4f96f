// Shared building blocks of the screens: element builder, view frame, buttons, form fields, the
// selectable table, status badges, dialogs and toasts. No framework: plain DOM, accessible markup.

import { errorMessage } from "./api.js";

let uid = 0;
/** A document-unique id with a prefix. */
export const nextId = (prefix = "ox") => `${prefix}-${++uid}`;

/**
 * Creates an element. `attrs`: `class`, `text`, `test` (→ data-test), `on<Event>` handlers,
 * booleans (set when true), anything else as an attribute. Children: nodes, strings, arrays, null.
 */
export function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === null || v === undefined || v === false) continue;
    if (k === "text") el.textContent = v;
    else if (k === "test") el.setAttribute("data-test", v);
    else if (k.startsWith("on") && typeof v === "function") el.addEventListener(k.slice(2).toLowerCase(), v);
    else if (k === "value" && "value" in el) el.value = v;
    else if (v === true) el.setAttribute(k, "");
    else el.setAttribute(k, String(v));
  }
  append(el, children);
  return el;
}

function append(el, children) {
  for (const c of children.flat(Infinity)) {
    if (c === null || c === undefined || c === false) continue;
    el.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
}

/**
 * Clears `root` and builds a view's frame: heading, optional back button, toolbar, content and a
 * live region. The panel's frame already shows the view's label as the page title (h1), so the
 * view's heading (h2) is for screen readers until `setTitle()` gives it a more specific text (e.g.
 * "Manage ada@example.com"). A detail view (with `back`) focuses it, so keyboard and screen reader
 * users start on the new screen.
 */
export function frame(root, t, { id, title, back }) {
  root.replaceChildren();
  root.classList.add("oxaps");
  root.setAttribute("lang", t.locale);
  const heading = h("h2", { class: "ox-title ox-sr", tabindex: "-1", text: title });
  const toolbar = h("div", { class: "ox-toolbar", role: "group", "aria-label": t("common.actions") });
  const content = h("div", { class: "ox-content" });
  const live = h("div", { class: "ox-toasts", "aria-live": "polite", "aria-atomic": "false" });
  const top = h("div", { class: "ox-head" });
  if (back) {
    top.append(
      h("button", { type: "button", class: "ox-back", test: "back", onClick: back }, h("span", { "aria-hidden": "true", text: "← " }), t("common.back")),
    );
  }
  top.append(heading);
  root.append(h("div", { class: "ox-view", test: `view-${id}` }, top, toolbar, content, live));
  if (back) queueMicrotask(() => heading.focus({ preventScroll: true }));
  return {
    heading,
    /** Shows `text` as the view's visible heading. */
    setTitle(text) {
      heading.textContent = text;
      heading.classList.remove("ox-sr");
    },
    toolbar,
    content,
    /** Shows a message in the live region (kind: "ok" | "error"). */
    toast(message, kind = "ok") {
      const el = h("div", { class: `ox-toast ox-toast-${kind}`, role: kind === "error" ? "alert" : "status", test: "toast", "data-kind": kind, text: message });
      live.append(el);
      setTimeout(() => el.remove(), kind === "error" ? 10000 : 5000);
    },
  };
}

/** A button. `kind`: "primary" | "danger" | "" ; `test`: its data-test. */
export function button(label, { test, kind = "", onClick, disabled = false, type = "button", ariaLabel } = {}) {
  return h("button", { type, class: `ox-btn${kind ? " ox-btn-" + kind : ""}`, test, onClick, disabled, "aria-label": ariaLabel, text: label });
}

/** Runs `work` with `btn` disabled and marked busy; returns what `work` returns. */
export async function busy(btn, work) {
  const was = btn.disabled;
  btn.disabled = true;
  btn.setAttribute("aria-busy", "true");
  try {
    return await work();
  } finally {
    btn.disabled = was;
    btn.removeAttribute("aria-busy");
  }
}

/** A status badge: text and colour for enabled, disabled, provisioning, error, pending, ... */
export function badge(t, status) {
  return h("span", { class: `ox-badge ox-badge-${status}`, test: "status", "data-status": status, text: t(`status.${status}`) });
}

/** A loading placeholder. */
export const loading = (t) => h("p", { class: "ox-loading", role: "status", test: "loading", text: t("common.loading") });

/** A failure panel with the customer's message and a retry button. */
export function failure(t, error, retry) {
  return h(
    "div",
    { class: "ox-failure", role: "alert", test: "load-error" },
    h("p", { text: errorMessage(error, t) }),
    retry ? button(t("common.retry"), { test: "retry", onClick: retry }) : null,
  );
}

/** A form-level error area (role=alert); `show(message)` / `clear()`. */
export function formError(test = "form-error") {
  const el = h("div", { class: "ox-form-error", role: "alert", test, hidden: true });
  return {
    el,
    show(message) {
      el.textContent = message;
      el.hidden = false;
    },
    clear() {
      el.textContent = "";
      el.hidden = true;
    },
  };
}

/**
 * A labelled form field around `control` (an input, select, textarea or a group element), with a
 * hint and an error message wired through aria-describedby and aria-invalid.
 */
export function field({ label, control, hint, required = false, name }) {
  const id = control.id || nextId("f");
  const focusable = control.matches("input,select,textarea") ? control : control.querySelector("input,select,textarea");
  if (control.matches("input,select,textarea")) control.id = id;
  const hintEl = hint ? h("p", { class: "ox-hint", id: `${id}-hint`, text: hint }) : null;
  const errorEl = h("p", { class: "ox-field-error", id: `${id}-error`, test: `error-${name || id}`, hidden: true });
  const described = [hintEl ? hintEl.id : null, errorEl.id].filter(Boolean).join(" ");
  const labelEl = control.matches("input,select,textarea")
    ? h("label", { for: id, class: "ox-label" }, label, required ? h("span", { class: "ox-req", "aria-hidden": "true", text: " *" }) : null)
    : h("span", { class: "ox-label", id: `${id}-label` }, label, required ? h("span", { class: "ox-req", "aria-hidden": "true", text: " *" }) : null);
  if (!control.matches("input,select,textarea")) {
    control.setAttribute("role", control.getAttribute("role") || "group");
    control.setAttribute("aria-labelledby", `${id}-label`);
  }
  if (focusable) {
    focusable.setAttribute("aria-describedby", described);
    if (required) focusable.setAttribute("aria-required", "true");
  }
  const el = h("div", { class: "ox-field" }, labelEl, control, hintEl, errorEl);
  return {
    el,
    control,
    setError(message) {
      errorEl.textContent = message;
      errorEl.hidden = false;
      if (focusable) focusable.setAttribute("aria-invalid", "true");
    },
    clear() {
      errorEl.textContent = "";
      errorEl.hidden = true;
      if (focusable) focusable.removeAttribute("aria-invalid");
    },
    focus() {
      if (focusable) focusable.focus();
    },
  };
}

/** A `<select>` of `options` ([{value, label}]), with an optional first empty choice. */
export function select(options, { test, value, empty, required = false, ariaLabel } = {}) {
  const el = h("select", { class: "ox-input", test, required, "aria-label": ariaLabel });
  if (empty !== undefined) el.append(h("option", { value: "", text: empty }));
  for (const o of options) el.append(h("option", { value: o.value, text: o.label }));
  if (value !== undefined && value !== null) el.value = value;
  return el;
}

/** A text input. */
export const input = (attrs = {}) => h("input", { type: "text", class: "ox-input", ...attrs });

/**
 * An email address as local part + "@" + one of `domains`: `{el, value(), local, domain}`.
 * The group is labelled by the field that holds it.
 */
export function emailInput(t, { domains, test = "email", local = "", domain = "" }) {
  const localEl = input({ test: `${test}-local`, autocomplete: "off", spellcheck: "false", "aria-label": t("common.localPart"), value: local });
  const domainEl = select(
    domains.map((d) => ({ value: d, label: d })),
    { test: `${test}-domain`, value: domain || domains[0], ariaLabel: t("common.domain") },
  );
  const el = h("div", { class: "ox-email" }, localEl, h("span", { class: "ox-at", "aria-hidden": "true", text: "@" }), domainEl);
  return {
    el,
    local: localEl,
    domain: domainEl,
    value: () => `${localEl.value.trim().toLowerCase()}@${domainEl.value}`,
  };
}

/**
 * A table with optional row selection (checkbox per row and a select-all checkbox).
 * columns: [{label, render(row) → node|string, className}]; key(row) → id; name(row) → the
 * row's accessible name. Rows get data-test=`${test}-row`, data-id and data-name.
 * `chosen` (a Set of keys) may be shared with another presentation of the same rows.
 * Returns {el, selected() → rows, onChange(cb), setRows(rows)}.
 */
export function table(t, { caption, columns, rows, key, name, selectable = true, test, empty, chosen = new Set() }) {
  let current = rows;
  const listeners = [];
  const el = h("div", { class: "ox-table-wrap" });
  const notify = () => listeners.forEach((cb) => cb(current.filter((r) => chosen.has(key(r)))));
  function render() {
    el.replaceChildren();
    if (!current.length) {
      el.append(h("p", { class: "ox-empty", test: `${test}-empty`, text: empty || t("common.empty") }));
      return;
    }
    const all = h("input", { type: "checkbox", test: "select-all", "aria-label": t("common.selectAll") });
    all.checked = current.length > 0 && current.every((r) => chosen.has(key(r)));
    all.addEventListener("change", () => {
      current.forEach((r) => (all.checked ? chosen.add(key(r)) : chosen.delete(key(r))));
      render();
      el.querySelector('[data-test="select-all"]')?.focus();
      notify();
    });
    const head = h(
      "tr",
      {},
      selectable ? h("th", { scope: "col", class: "ox-check" }, all) : null,
      columns.map((c) => h("th", { scope: "col", class: c.className, text: c.label })),
    );
    const body = current.map((r) => {
      const box = h("input", { type: "checkbox", test: "select", "aria-label": t("common.selectRow", { name: name(r) }) });
      box.checked = chosen.has(key(r));
      box.addEventListener("change", () => {
        box.checked ? chosen.add(key(r)) : chosen.delete(key(r));
        all.checked = current.every((x) => chosen.has(key(x)));
        tr.classList.toggle("ox-selected", box.checked);
        notify();
      });
      const tr = h(
        "tr",
        { test: `${test}-row`, "data-id": key(r), "data-name": name(r), class: chosen.has(key(r)) ? "ox-selected" : null },
        selectable ? h("td", { class: "ox-check" }, box) : null,
        columns.map((c) => h("td", { class: c.className, "data-label": c.label }, c.render(r))),
      );
      return tr;
    });
    el.append(h("table", { class: "ox-table", test }, h("caption", { class: "ox-sr", text: caption }), h("thead", {}, head), h("tbody", {}, body)));
  }
  render();
  return {
    el,
    selected: () => current.filter((r) => chosen.has(key(r))),
    onChange(cb) {
      listeners.push(cb);
    },
    setRows(rows2) {
      current = rows2;
      const keys = new Set(rows2.map(key));
      [...chosen].forEach((k) => keys.has(k) || chosen.delete(k));
      render();
      notify();
    },
  };
}

/**
 * A modal dialog. `content` is a node (or nodes); `onOk()` may return a value (resolves the
 * dialog) or throw (the message is shown in the dialog, which stays open). Cancel, Escape and the
 * close button resolve with `false`. Focus moves into the dialog and back to the opener after.
 */
export function dialog(t, { title, content, okLabel, danger = false, test = "dialog", onOk }) {
  return new Promise((resolve) => {
    const opener = document.activeElement;
    const titleId = nextId("dlg");
    const err = formError("dialog-error");
    const ok = button(okLabel || t("common.ok"), { test: "dialog-ok", kind: danger ? "danger" : "primary", type: "submit" });
    const cancel = button(t("common.cancel"), { test: "dialog-cancel" });
    const form = h("form", { method: "dialog", class: "ox-dialog-body", novalidate: true }, h("h2", { id: titleId, class: "ox-dialog-title", text: title }), content, err.el, h("div", { class: "ox-actions" }, ok, cancel));
    const dlg = h("dialog", { class: "ox-dialog oxaps", test, "aria-labelledby": titleId, lang: t.locale }, form);
    let settled = false;
    // While the action runs, closing would report "cancelled" for a change that still happens.
    let working = false;
    const finish = (value) => {
      if (settled) return;
      settled = true;
      dlg.close();
      dlg.remove();
      if (opener && opener.isConnected && typeof opener.focus === "function") opener.focus();
      resolve(value);
    };
    cancel.addEventListener("click", () => {
      if (!working) finish(false);
    });
    dlg.addEventListener("cancel", (e) => {
      e.preventDefault();
      if (!working) finish(false);
    });
    form.addEventListener("submit", async (e) => {
      e.preventDefault();
      err.clear();
      try {
        working = true;
        cancel.disabled = true;
        let value;
        try {
          value = onOk ? await busy(ok, onOk) : true;
        } finally {
          working = false;
          cancel.disabled = false;
        }
        finish(value === undefined ? true : value);
      } catch (error) {
        err.show(error && error.userMessage ? error.userMessage : errorMessage(error, t));
      }
    });
    document.body.append(dlg);
    dlg.showModal();
    // Into the first field; a destructive confirmation starts on Cancel.
    const first = form.querySelector("input,select,textarea") || (danger ? cancel : ok);
    first.focus();
  });
}

/** Asks to confirm `message`; resolves true for OK. */
export function confirmDialog(t, { title, message, okLabel, danger = true, test = "confirm" }) {
  return dialog(t, { title, content: h("p", { text: message }), okLabel, danger, test });
}

/** An error with a message for the customer, thrown by form checks inside dialogs. */
export function userError(message) {
  const e = new Error(message);
  e.userMessage = message;
  return e;
}

/** Calls `fn` for each item in turn; returns [{item, error}] of the failures. */
export async function eachSettled(items, fn) {
  const failures = [];
  for (const item of items) {
    try {
      await fn(item);
    } catch (error) {
      failures.push({ item, error });
    }
  }
  return failures;
}

/** Loads the shared stylesheet once per document. */
export function styles() {
  const href = new URL("../oxaps.css", import.meta.url).href;
  if (![...document.querySelectorAll("link[rel=stylesheet]")].some((l) => l.href === href)) {
    document.head.append(h("link", { rel: "stylesheet", href }));
  }
}

/**
 * Re-renders `container` with `render()` and puts the focus back on the equivalent element (same
 * data-test, inside a row with the same data-id), or on `fallback`, so a refresh after an action
 * does not drop keyboard users at the top of the page.
 */
export function refocus(container, render, fallback) {
  const active = document.activeElement;
  const inside = active && container.contains(active);
  const test = inside && active.getAttribute("data-test");
  const row = inside && active.closest("[data-id]");
  const rowId = row && row.getAttribute("data-id");
  render();
  if (!inside) return;
  let target = null;
  if (test) {
    const candidates = [...container.querySelectorAll(`[data-test="${CSS.escape(test)}"]`)];
    target = candidates.find((c) => !rowId || (c.closest("[data-id]") && c.closest("[data-id]").getAttribute("data-id") === rowId)) || null;
  }
  (target && !target.disabled ? target : fallback)?.focus();
}
