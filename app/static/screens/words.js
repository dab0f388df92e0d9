// The server's decision on a punch, in plain words (API.md, "Geofence decision").
const ACTIONS = { in: "Clocked in", out: "Clocked out", break_start: "Break started", break_end: "Break ended", switch: "Task switched" };
const FLAG_WORDS = {
  MOCK_LOCATION: "the position looks simulated",
  IMPOSSIBLE_TRAVEL: "the position is too far from your last punch",
  LATE: "later than your shift's start",
  EARLY_LEAVE: "before your shift's end",
  LATE_SYNC: "sent late",
};

export function metres(value) {
  return `${Math.round(Number(value) || 0)} m`;
}

function site(geofence, names) {
  return (geofence && names.get(geofence.geofence_id)) || "the site";
}

// A punch the server took: what it did and, when it flagged it, why.
export function accepted(type, answer, names) {
  const geofence = answer.geofence;
  const where = site(geofence, names);
  const parts = [`${ACTIONS[type] || "Punch recorded"}.`];
  const result = geofence && geofence.result;
  if (result === "inside") parts.push(`You are at ${where}.`);
  else if (result === "outside") parts.push(`You are ${metres(geofence.distance_m)} outside ${where}; your punch was recorded and flagged.`);
  else if (result === "uncertain") parts.push(`You are ${metres(geofence.distance_m)} from ${where}, within your GPS accuracy; your punch was recorded and flagged.`);
  else if (result === "low_accuracy") parts.push(`Your position is not precise enough to tell whether you are at ${where}; your punch was recorded and flagged.`);
  const others = (answer.flags || []).map((flag) => FLAG_WORDS[flag]).filter(Boolean);
  if (others.length) parts.push(`Flagged: ${others.join(", ")}.`);
  return parts.join(" ");
}

// A punch the server refused, in words a person can act on.
export function refused(error, names) {
  const where = names.get(error.details.geofence_id) || "the site";
  if (error.code === "GEOFENCE_OUTSIDE") {
    return `Refused: you are ${metres(error.details.distance_m)} outside ${where}, and ${where} only accepts punches from inside. Move onto the site and try again.`;
  }
  if (error.code === "GPS_ACCURACY_TOO_LOW") {
    return `Refused: your position is not precise enough for ${where}. Step outside or wait for a better GPS fix and try again.`;
  }
  if (error.code === "ALREADY_CLOCKED_IN") return "You are already on the clock.";
  if (error.code === "NOT_CLOCKED_IN") return "You are not on the clock.";
  return `Refused: ${error.message}`;
}

export function actionName(type) {
  return ACTIONS[type] || type;
}
