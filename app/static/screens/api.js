// The JSON API as the screens use it. The access token lives in this module's memory only;
// the refresh token is the one thing kept across reloads (localStorage), rotated on each use.
const BASE = "/api/v1";
// One session per screen: the console and the phone page may hold different people.
const REFRESH_KEY = `fieldclock.refresh.${location.pathname.startsWith("/console") ? "console" : "phone"}`;
let access = null;
let refreshing = null;

export class ApiError extends Error {
  constructor(status, body) {
    super((body && body.message) || `The server answered ${status}.`);
    this.status = status;
    this.code = body && body.error;
    this.details = (body && body.details) || {};
    this.fields = (body && body.errors) || {};
  }
}

export function signedIn() {
  return access !== null;
}

function keep(tokens) {
  access = tokens.access_token;
  if (tokens.refresh_token) localStorage.setItem(REFRESH_KEY, tokens.refresh_token);
}

async function send(method, path, body, token, extra = {}) {
  const headers = { Accept: "application/json", ...extra };
  if (token) headers.Authorization = `Bearer ${token}`;
  if (body !== undefined) headers["Content-Type"] = "application/json";
  return fetch(BASE + path, {
    method,
    headers,
    body: body === undefined ? undefined : JSON.stringify(body),
    credentials: "omit",
    cache: "no-store",
  });
}

async function parse(response) {
  const text = await response.text();
  const body = text ? JSON.parse(text) : null;
  if (!response.ok) throw new ApiError(response.status, body);
  return body;
}

// A new access token from the stored refresh token; one refresh at a time (a refresh token
// works once: two concurrent uses would revoke the session).
export function resume() {
  const token = localStorage.getItem(REFRESH_KEY);
  if (!token) return Promise.resolve(false);
  if (!refreshing) {
    refreshing = send("POST", "/auth/refresh", undefined, token)
      .then(parse)
      .then((tokens) => { keep(tokens); return true; })
      .catch((error) => {
        if (error instanceof ApiError) { localStorage.removeItem(REFRESH_KEY); return false; }
        throw error; // offline: keep the refresh token for later
      })
      .finally(() => { refreshing = null; });
  }
  return refreshing;
}

export async function login(email, password) {
  const tokens = await parse(await send("POST", "/auth/login", { email, password }));
  keep(tokens);
  return tokens.user;
}

export async function logout() {
  try {
    if (access) await send("POST", "/auth/logout", undefined, access);
  } finally {
    access = null;
    localStorage.removeItem(REFRESH_KEY);
  }
}

// method, path, body → the parsed JSON; a 401 refreshes once and tries again.
export async function call(method, path, body, headers = {}) {
  let response = await send(method, path, body, access, headers);
  if (response.status === 401 && (await resume())) {
    response = await send(method, path, body, access, headers);
  }
  return parse(response);
}

// The raw response of an authorized GET (downloads).
export async function fetchFile(path) {
  let response = await send("GET", path, undefined, access);
  if (response.status === 401 && (await resume())) response = await send("GET", path, undefined, access);
  if (!response.ok) await parse(response);
  return response;
}

export function newId() {
  if (crypto.randomUUID) return crypto.randomUUID();
  const b = crypto.getRandomValues(new Uint8Array(16));
  b[6] = (b[6] & 0x0f) | 0x40;
  b[8] = (b[8] & 0x3f) | 0x80;
  const h = [...b].map((x) => x.toString(16).padStart(2, "0")).join("");
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

// A network failure (no answer at all), as opposed to an answer that says no.
export function isOffline(error) {
  return !(error instanceof ApiError);
}
