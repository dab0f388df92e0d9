// Who is on the clock now, one employee's week, the coming week's shifts, overtime alerts.
import { clockTime, dateTime, el, hours, isoDate } from "./format.js";

function table(headings, rows) {
  return el("div", { class: "scroll" }, el("table", {},
    el("thead", {}, el("tr", {}, headings.map((text) => el("th", { text })))),
    el("tbody", {}, rows)));
}

function monday(offsetWeeks = 0) {
  const today = new Date();
  return new Date(today.getFullYear(), today.getMonth(), today.getDate() - ((today.getDay() + 6) % 7) + 7 * offsetWeeks);
}

const onClock = {
  id: "on-clock",
  title: "On the clock",
  roles: ["owner", "admin", "manager"],
  async show(panel, ctx) {
    const open = await ctx.call("GET", "/time-entries?status=open&page_size=500");
    if (!open.length) { panel.append(el("p", { text: "Nobody is on the clock." })); return; }
    panel.append(table(["Employee", "Since", "Worked so far", "Flags"], open.map((entry) => el("tr", {},
      el("td", { text: ctx.person(entry.employee_id) }),
      el("td", { text: dateTime(entry.started_at) }),
      el("td", { text: hours((Date.now() - Date.parse(entry.started_at)) / 1000) }),
      el("td", { text: entry.flags.join(", ") }))))); 
  },
};

const week = {
  id: "week",
  title: "Employee's week",
  roles: ["owner", "admin", "manager", "payroll"],
  async show(panel, ctx) {
    const who = el("select", { id: "week-employee" }, [...ctx.people()].map(([id, name]) => el("option", { value: id, text: name })));
    const start = el("input", { id: "week-start", type: "date", value: isoDate(monday()) });
    const out = el("div");
    const load = () => ctx.guarded(async () => {
      const first = new Date(`${start.value}T00:00:00`);
      const last = isoDate(new Date(first.getFullYear(), first.getMonth(), first.getDate() + 6));
      const entries = await ctx.call("GET", `/time-entries?employee_id=${who.value}&from=${start.value}&to=${last}&page_size=500`);
      const total = entries.reduce((sum, entry) => sum + (entry.worked_seconds || 0), 0);
      out.replaceChildren(
        table(["Day", "In", "Out", "Worked", "Status"], entries.map((entry) => el("tr", {},
          el("td", { text: new Date(entry.started_at).toLocaleDateString([], { weekday: "short", day: "numeric", month: "short" }) }),
          el("td", { text: clockTime(entry.started_at) }),
          el("td", { text: clockTime(entry.ended_at) }),
          el("td", { text: hours(entry.worked_seconds) }),
          el("td", { text: entry.status })))),
        el("p", { text: `Worked this week: ${hours(total)}` }));
    });
    who.addEventListener("change", load);
    start.addEventListener("change", load);
    panel.append(el("div", { class: "form-grid" },
      el("div", {}, el("label", { for: "week-employee", text: "Employee" }), who),
      el("div", {}, el("label", { for: "week-start", text: "Week starting" }), start)), out);
    if (who.value) await load();
  },
};

const shifts = {
  id: "shifts",
  title: "Shifts",
  roles: ["owner", "admin", "manager"],
  async show(panel, ctx) {
    const today = new Date();
    const to = new Date(today.getFullYear(), today.getMonth(), today.getDate() + 7);
    const list = await ctx.call("GET", `/shifts?from=${isoDate(today)}&to=${isoDate(to)}&page_size=500`);
    panel.append(el("p", { text: `The coming week: ${isoDate(today)} to ${isoDate(to)}.` }));
    if (!list.length) { panel.append(el("p", { text: "No shift scheduled." })); return; }
    panel.append(table(["Employee", "Starts", "Ends", "Status"], list.map((shift) => el("tr", {},
      el("td", { text: ctx.person(shift.employee_id) }),
      el("td", { text: dateTime(shift.starts_at) }),
      el("td", { text: dateTime(shift.ends_at) }),
      el("td", { text: shift.status || "" })))));
  },
};

const alerts = {
  id: "alerts",
  title: "Overtime alerts",
  roles: ["owner", "admin", "manager", "payroll"],
  async show(panel, ctx) {
    const list = await ctx.call("GET", "/overtime-alerts?acknowledged=false&page_size=500");
    if (!list.length) { panel.append(el("p", { text: "No alert waits." })); return; }
    panel.append(table(["Employee", "Kind", "Period", "Hours", "What", ""], list.map((alert) => {
      const button = el("button", { type: "button", class: "secondary", text: "Acknowledge" });
      button.addEventListener("click", () => ctx.guarded(async () => {
        await ctx.call("POST", `/overtime-alerts/${alert.id}/acknowledge`, {});
        button.closest("tr").remove();
        ctx.notice("Alert acknowledged.", "good");
      }));
      return el("tr", {},
        el("td", { text: ctx.person(alert.employee_id) }),
        el("td", { text: alert.kind.replaceAll("_", " ").toLowerCase() }),
        el("td", { text: alert.period_start }),
        el("td", { text: alert.hours }),
        el("td", { text: alert.message }),
        el("td", {}, button));
    })));
  },
};

export { alerts, onClock, shifts, week };
