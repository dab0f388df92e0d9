// The offline punch queue: punches the network did not take, kept on the device (localStorage)
// with their client_id and the moment they happened, sent in one /clock/sync when it returns.
import { call } from "./api.js";

const KEY = "fieldclock.queue";

export function waiting() {
  try {
    return JSON.parse(localStorage.getItem(KEY) || "[]");
  } catch {
    return [];
  }
}

function store(punches) {
  if (punches.length) localStorage.setItem(KEY, JSON.stringify(punches));
  else localStorage.removeItem(KEY);
}

export function add(punch) {
  store([...waiting(), punch]);
}

// Sends what waits; every punch the server answered for leaves the queue (accepted, a
// duplicate of one it already has, or refused for a reason that sending again cannot change).
// → [{punch, result}] in the queue's order; throws when the network is still away.
export async function flush() {
  const punches = waiting();
  if (!punches.length) return [];
  const answer = await call("POST", "/clock/sync", { punches });
  const byId = new Map(answer.results.map((result) => [result.client_id, result]));
  const answered = punches.filter((punch) => byId.has(punch.client_id));
  const sent = new Set(answered.map((punch) => punch.client_id));
  store(waiting().filter((punch) => !sent.has(punch.client_id)));
  return answered.map((punch) => ({ punch, result: byId.get(punch.client_id) }));
}

export function clear() {
  store([]);
}
