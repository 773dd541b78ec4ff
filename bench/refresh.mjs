// Sequential identity requests timed one by one, for bench/auth.sh.
//
// A refresh token is single-use, so a load tool replaying one cookie would measure the
// reuse-grace path and then, after the grace window, trip reuse detection and revoke the
// session. Here every request carries the token the previous response set, as a browser would.
//
//   node bench/refresh.mjs --site URL --baseline URL --email E --password P [--count N] [--warmup N]
//
// Series, each --count requests on one keep-alive connection, after --warmup untimed ones:
//   refresh   POST /api/account/viewer with only ws_refresh: the session middleware rotates
//             it (and, as for every write, checks the session row), then the viewer is read
//   access    POST /api/account/viewer with a valid ws_access: the same request, no rotation
//   baseline  GET / on the bare baseline
// Prints one JSON object: { series: { count, p50, p99, mean, rps } } with milliseconds.
// Exits non-zero if any request fails or a refresh does not rotate the token.

import { performance } from "node:perf_hooks";

function args() {
  const out = { count: 300, warmup: 20 };
  const argv = process.argv.slice(2);
  for (let i = 0; i < argv.length; i += 2) {
    const key = argv[i].replace(/^--/, "");
    if (argv[i + 1] === undefined) throw new Error(`missing value for ${argv[i]}`);
    out[key] = argv[i + 1];
  }
  for (const key of ["site", "baseline", "email", "password"]) {
    if (!out[key]) throw new Error(`--${key} is required`);
  }
  out.count = Number(out.count);
  out.warmup = Number(out.warmup);
  return out;
}

/** The value `name` is set to by this response, or undefined. */
function setCookie(response, name) {
  for (const line of response.headers.getSetCookie()) {
    const pair = line.split(";")[0];
    const at = pair.indexOf("=");
    if (at > 0 && pair.slice(0, at).trim() === name) return pair.slice(at + 1);
  }
  return undefined;
}

function fail(message) {
  console.error(`refresh.mjs: ${message}`);
  process.exit(1);
}

function summary(samples) {
  const sorted = [...samples].sort((a, b) => a - b);
  // Nearest-rank percentile.
  const rank = (p) => sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))];
  const total = samples.reduce((a, b) => a + b, 0);
  return {
    count: samples.length,
    p50: rank(50),
    p99: rank(99),
    mean: total / samples.length,
    rps: (samples.length * 1000) / total,
  };
}

const opts = args();
const site = opts.site.replace(/\/$/, "");
const form = { "content-type": "application/x-www-form-urlencoded" };

// ---------------------------------------------------------------- sign in once
const login = await fetch(`${site}/api/auth/login`, {
  method: "POST",
  headers: form,
  body: new URLSearchParams({ email: opts.email, password: opts.password }).toString(),
  redirect: "manual",
});
await login.arrayBuffer();
let refresh = setCookie(login, "ws_refresh");
let access = setCookie(login, "ws_access");
if (login.status >= 400 || !refresh || !access) {
  fail(`sign-in failed: HTTP ${login.status}, cookies: ${login.headers.getSetCookie().join(" | ")}`);
}

async function viewer(cookie) {
  const started = performance.now();
  const response = await fetch(`${site}/api/account/viewer`, {
    method: "POST",
    headers: { ...form, cookie },
    body: "",
    redirect: "manual",
  });
  const body = await response.text();
  const ms = performance.now() - started;
  if (response.status !== 200) fail(`viewer: HTTP ${response.status}: ${body.slice(0, 200)}`);
  let json;
  try {
    json = JSON.parse(body);
  } catch {
    fail(`viewer: not JSON: ${body.slice(0, 200)}`);
  }
  if (!json || typeof json !== "object") fail(`viewer: signed out (${body.slice(0, 200)})`);
  return { ms, response };
}

// ---------------------------------------------------------------- refresh: each token once
async function rotate() {
  const { ms, response } = await viewer(`ws_refresh=${refresh}`);
  const next = setCookie(response, "ws_refresh");
  if (!next || next === refresh) fail("a refresh did not rotate the token");
  refresh = next;
  access = setCookie(response, "ws_access") || access;
  return ms;
}

async function series(n, once) {
  const samples = [];
  for (let i = 0; i < n; i++) samples.push(await once());
  return samples;
}

const results = {};
await series(opts.warmup, rotate);
results.refresh = summary(await series(opts.count, rotate));

// ---------------------------------------------------------------- same request, valid access token
// The access token from the last rotation: fresh, so nothing is rotated.
const withAccess = async () => {
  const { ms, response } = await viewer(`ws_access=${access}`);
  if (setCookie(response, "ws_refresh") !== undefined) fail("a valid access token caused a refresh");
  return ms;
};
await series(opts.warmup, withAccess);
results.access = summary(await series(opts.count, withAccess));

// ---------------------------------------------------------------- the bare baseline
const baseline = async () => {
  const started = performance.now();
  const response = await fetch(opts.baseline);
  await response.arrayBuffer();
  const ms = performance.now() - started;
  if (response.status !== 200) fail(`baseline: HTTP ${response.status}`);
  return ms;
};
await series(opts.warmup, baseline);
results.baseline = summary(await series(opts.count, baseline));

console.log(JSON.stringify(results));
