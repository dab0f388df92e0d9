// The phone page: sign in, one big clock button, breaks, tasks, hours, and the offline queue.
import { ApiError, call, isOffline, logout, newId, resume } from "./api.js";
import { $, clockTime, el, hours, say } from "./format.js";
import * as queue from "./queue.js";
import { signInForm } from "./signin.js";
import { accepted, actionName, refused } from "./words.js";

const PATHS = { in: "/clock/in", out: "/clock/out", break_start: "/clock/breaks/start", break_end: "/clock/breaks/end" };
const AFTER = { in: "working", out: "off", break_start: "on_break", break_end: "working" };
const STATE_WORDS = { off: "Off the clock", working: "On the clock", on_break: "On a break" };

// The browser could not give a position: its message is for the person as it is.
class NoPosition extends Error {}

let status = { state: "off", today_seconds: 0, week_seconds: 0 };
let fenceNames = new Map();
let busy = false;

// The state the person is in: the server's last word, then what waits in the queue.
function state() {
  return queue.waiting().reduce((current, punch) => AFTER[punch.type] || current, status.state);
}

function render() {
  const now = state();
  const queued = queue.waiting();
  $("#state").textContent = STATE_WORDS[now];
  const entry = status.time_entry;
  $("#since").textContent = queued.length
    ? "Includes punches waiting to be sent."
    : entry && now !== "off" ? `Since ${clockTime(entry.started_at)}` : "";
  const punch = $("#punch");
  punch.textContent = now === "off" ? "Clock in" : "Clock out";
  punch.dataset.state = now;
  punch.disabled = busy;
  const pause = $("#break");
  pause.textContent = now === "on_break" ? "End break" : "Start break";
  pause.disabled = busy || now === "off";
  $("#switch").disabled = busy || now !== "working" || queued.length > 0;
  $("#today").textContent = hours(status.today_seconds);
  $("#week").textContent = hours(status.week_seconds);
  $("#queue").hidden = queued.length === 0 && !$("#results").children.length;
  $("#send-now").hidden = queued.length === 0;
  $("#waiting").textContent = queued.length
    ? `${queued.length} punch${queued.length === 1 ? "" : "es"} waiting to be sent`
    : "Nothing waiting to be sent.";
}

function position() {
  return new Promise((resolve, reject) => {
    if (!navigator.geolocation) { reject(new NoPosition("This browser cannot read a position.")); return; }
    navigator.geolocation.getCurrentPosition(
      (fix) => {
        const here = { lat: fix.coords.latitude, lon: fix.coords.longitude, accuracy_m: Math.max(fix.coords.accuracy, 1) };
        $("#position").textContent = `Position: ${here.lat.toFixed(5)}, ${here.lon.toFixed(5)} (±${Math.round(here.accuracy_m)} m)`;
        resolve(here);
      },
      () => reject(new NoPosition("Allow this page to use your location: every punch needs it.")),
      { enableHighAccuracy: true, timeout: 15000, maximumAge: 0 },
    );
  });
}

async function refresh() {
  try {
    status = await call("GET", "/clock/status");
  } catch (error) {
    if (!isOffline(error)) say($("#decision"), error.message, "bad");
  }
  render();
}

async function punch(type, extra = {}) {
  busy = true;
  render();
  const message = $("#decision");
  try {
    const body = { ...(await position()), ...extra };
    const taskId = $("#task").value;
    if (type === "in" && taskId) body.task_id = taskId;
    if (type === "switch") {
      await call("POST", "/clock/switch-task", body, { "Idempotency-Key": newId() });
      say(message, accepted("switch", {}, fenceNames), "good");
    } else if (queue.waiting().length || !navigator.onLine) {
      keepForLater(type, body);
    } else {
      const occurredAt = new Date().toISOString();
      try {
        const answer = await call("POST", PATHS[type], body, { "Idempotency-Key": newId() });
        const flagged = (answer.flags || []).length > 0;
        say(message, accepted(type, answer, fenceNames), flagged ? "warn" : "good");
      } catch (error) {
        if (!isOffline(error)) throw error;
        keepForLater(type, body, occurredAt);
      }
    }
    await refresh();
  } catch (error) {
    const words = error instanceof ApiError ? refused(error, fenceNames)
      : error instanceof NoPosition ? error.message
        : type === "switch" ? "No network: switching task needs one. Try again when you are back online."
          : `Something went wrong: ${error.message}`;
    say(message, words, "bad");
  } finally {
    busy = false;
    render();
  }
}

function keepForLater(type, body, occurredAt = new Date().toISOString()) {
  queue.add({ client_id: newId(), type, occurred_at: occurredAt, ...body });
  say($("#decision"), `${actionName(type)} at ${clockTime(occurredAt)} on this phone; no network, it will be sent when the network returns.`, "warn");
}

async function sync() {
  if (!queue.waiting().length) return;
  let sent;
  try {
    sent = await queue.flush();
  } catch (error) {
    if (!isOffline(error)) say($("#decision"), error.message, "bad");
    return;
  }
  const list = $("#results");
  for (const { punch, result } of sent) {
    const words = result.status === "rejected"
      ? `refused: ${result.message || result.error}`
      : result.status === "duplicate" ? "already received" : "sent";
    list.append(el("li", { "data-status": result.status, text: `${actionName(punch.type)} at ${clockTime(punch.occurred_at)}: ${words}` }));
  }
  const refusedCount = sent.filter(({ result }) => result.status === "rejected").length;
  if (sent.length) {
    const count = `${sent.length} offline punch${sent.length === 1 ? "" : "es"}`;
    say($("#decision"), refusedCount ? `${count} sent; ${refusedCount} refused (below).` : `${count} sent.`, refusedCount ? "warn" : "good");
  }
  await refresh();
}

async function loadSites() {
  try {
    const fences = await call("GET", "/geofences?page_size=500");
    fenceNames = new Map(fences.map((fence) => [fence.id, fence.name]));
  } catch { /* names are a nicety: the messages say "the site" without them */ }
}

async function loadTasks() {
  try {
    const tasks = await call("GET", "/tasks?assigned_to=me&page_size=100");
    const select = $("#task");
    for (const task of tasks) {
      if (["completed", "cancelled"].includes(task.status)) continue;
      select.append(el("option", { value: task.id, text: task.title }));
    }
  } catch { /* a page without tasks still clocks */ }
}

async function start() {
  $("#sign-in").hidden = true;
  $("#clock").hidden = false;
  $("#sign-out").hidden = false;
  try {
    const me = await call("GET", "/auth/me");
    $("#who").textContent = `${me.first_name} ${me.last_name}`;
    if (!me.employee_id) say($("#decision"), "Your account has no employee record: there is nothing to clock here. The console is for you.", "warn");
  } catch { /* offline: the queue still works */ }
  await Promise.all([loadSites(), loadTasks(), refresh()]);
  await sync();
}

function showSignIn() {
  $("#sign-in").hidden = false;
  $("#clock").hidden = true;
  $("#sign-out").hidden = true;
  $("#who").textContent = "";
  $("#email").focus();
}

signInForm($("#sign-in"), start);

$("#sign-out").addEventListener("click", async () => {
  if (queue.waiting().length && !confirm("Punches are still waiting to be sent. Sign out anyway? They stay on this phone.")) return;
  await logout().catch(() => {});
  showSignIn();
});

$("#punch").addEventListener("click", () => punch(state() === "off" ? "in" : "out"));
$("#break").addEventListener("click", () => punch(state() === "on_break" ? "break_end" : "break_start"));
$("#switch").addEventListener("click", () => {
  if (!$("#task").value) { say($("#decision"), "Pick the task to switch to first.", "warn"); return; }
  punch("switch", { task_id: $("#task").value });
});
$("#send-now").addEventListener("click", sync);
window.addEventListener("online", sync);
window.addEventListener("offline", render);
setInterval(sync, 30000);

if ("serviceWorker" in navigator) navigator.serviceWorker.register("/sw.js").catch(() => {});

render();
resume()
  .then((ok) => (ok ? start() : showSignIn()))
  .catch(() => (queue.waiting().length ? start() : showSignIn()));
