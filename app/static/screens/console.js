// The console: one tab per job a supervisor or a payroll clerk does; each tab is a module
// exporting {title, roles, show(panel, ctx)} and speaking only to the JSON API.
import { ApiError, call, logout, resume } from "./api.js";
import { $, el, say } from "./format.js";
import approvals from "./console-approvals.js";
import payroll from "./console-payroll.js";
import { alerts, onClock, shifts, week } from "./console-people.js";
import sites from "./console-sites.js";
import { signInForm } from "./signin.js";

const TABS = [approvals, onClock, week, shifts, sites, alerts, payroll];
let me = null;
let people = new Map();

function notice(text, tone = "info") {
  say($("#notice"), text, tone);
}

// Errors of a tab's action, shown in words; an unexpected one is reported, never swallowed.
async function guarded(action) {
  try {
    return await action();
  } catch (error) {
    notice(error instanceof ApiError ? error.message : "No network: try again.", "bad");
    return undefined;
  }
}

const ctx = {
  call,
  notice,
  guarded,
  person: (id) => people.get(id) || "—",
  people: () => people,
  me: () => me,
};

async function open(tab, button) {
  for (const other of $("#tabs").children) other.setAttribute("aria-selected", String(other === button));
  // A fresh panel each time: a tab still loading when another opens fills a detached node.
  const panel = el("section", { id: "panel", class: "card", role: "tabpanel", tabindex: "-1", "aria-label": tab.title },
    el("h2", { text: tab.title }));
  $("#panel").replaceWith(panel);
  notice("");
  await guarded(() => tab.show(panel, ctx));
}

async function start() {
  me = await call("GET", "/auth/me");
  $("#who").textContent = `${me.first_name} ${me.last_name} (${me.role})`;
  $("#sign-in").hidden = true;
  $("#sign-out").hidden = false;
  $("#workspace").hidden = false;
  const staff = await call("GET", "/employees?page_size=500").catch(() => []);
  people = new Map(staff.map((p) => [p.id, `${p.first_name} ${p.last_name}`]));
  const tabs = $("#tabs");
  tabs.replaceChildren();
  const mine = TABS.filter((tab) => tab.roles.includes(me.role));
  for (const tab of mine) {
    const button = el("button", { type: "button", role: "tab", "aria-selected": "false", "data-tab": tab.id, text: tab.title });
    button.addEventListener("click", () => open(tab, button));
    tabs.append(button);
  }
  if (!mine.length) notice("This account has no console work: the phone page is for you.", "warn");
  else {
    const first = mine.find((tab) => tab.id === (me.role === "payroll" ? "payroll" : "approvals")) || mine[0];
    open(first, tabs.children[mine.indexOf(first)]);
  }
}

// Arrow keys move between tabs (the WAI-ARIA tabs pattern); Enter/Space open one.
$("#tabs").addEventListener("keydown", (event) => {
  const buttons = [...$("#tabs").children];
  const index = buttons.indexOf(document.activeElement);
  if (index < 0 || !["ArrowLeft", "ArrowRight"].includes(event.key)) return;
  const next = buttons[(index + (event.key === "ArrowRight" ? 1 : buttons.length - 1)) % buttons.length];
  next.focus();
});

signInForm($("#sign-in"), start);

$("#sign-out").addEventListener("click", async () => {
  await logout().catch(() => {});
  location.reload();
});

resume()
  .then((ok) => (ok ? start() : Promise.reject(new Error("signed out"))))
  .catch(() => { $("#sign-in").hidden = false; $("#email").focus(); });
