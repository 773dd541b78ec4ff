// The load client for two instances behind a proxy (scripts/cluster.sh). Node's own http
// module with a keep-alive agent; nothing to install.
//
//   node scripts/cluster-load.mjs read --base URL --paths /,/about,/healthz [--rate 40]
//        [--connections 8] [--duration SECONDS] [--label NAME]
//     Steady GET traffic at a fixed rate (open loop: a request is due every 1/rate s whether
//     or not the last has come back, and its latency counts from when it was due, so a stall
//     shows in p99 instead of slowing the load down). Runs for --duration, or until SIGTERM /
//     SIGINT; then waits for what is in flight and prints one JSON line: sent, ok, failed
//     (a status outside 2xx/3xx, a connection error or no answer in 30 s), failures by kind,
//     p50/p99/max in ms, and how many answers each instance gave (nginx's
//     X-Wellspring-Upstream header).
//
//   node scripts/cluster-load.mjs write --base URL --out FILE [--rate 4] [--members 2]
//        [--duration SECONDS]
//     Members who write: each signs up, confirms by the mailed link (/dev/mailbox), signs in,
//     joins a public circle and writes there, one write at a time, at --rate writes per second
//     in all: a post every tenth write, replies to it otherwise, each marked with a unique
//     text and sent with the form's one-write key (`submission`). A write that got no answer
//     or a 502/503 is sent again with the same key, as a person pressing "send" again would
//     (the key makes that safe); one answered 2xx is acknowledged. Each write is a JSON line
//     in FILE: {kind, marker, acked, attempts, status}. Runs for --duration or until SIGTERM,
//     then prints a JSON summary. Exits non-zero when setup fails or a write is refused
//     outright (a 4xx other than 429).
import http from "node:http";
import { randomUUID } from "node:crypto";
import { writeFileSync } from "node:fs";
import { performance } from "node:perf_hooks";

function parseArgs() {
  const [mode, ...rest] = process.argv.slice(2);
  const out = { mode };
  for (let i = 0; i < rest.length; i += 2) {
    if (!rest[i].startsWith("--") || rest[i + 1] === undefined) throw new Error(`bad argument ${rest[i]}`);
    out[rest[i].slice(2)] = rest[i + 1];
  }
  if (!out.base) throw new Error("--base is required");
  return out;
}

const args = parseArgs();
const base = new URL(args.base);
let stopping = false;
const stopWaiters = [];
for (const signal of ["SIGTERM", "SIGINT"]) {
  process.on(signal, () => {
    stopping = true;
    stopWaiters.splice(0).forEach((f) => f());
  });
}
const sleep = (ms) =>
  new Promise((resolve) => {
    const t = setTimeout(resolve, ms);
    stopWaiters.push(() => {
      clearTimeout(t);
      resolve();
    });
  });
if (args.duration) {
  setTimeout(() => {
    stopping = true;
    stopWaiters.splice(0).forEach((f) => f());
  }, Number(args.duration) * 1000).unref();
}

/** One request; resolves {status, headers, body} or rejects with the connection error. */
function request(agent, method, path, { headers = {}, body, timeout = 30_000 } = {}) {
  return new Promise((resolve, reject) => {
    const req = http.request(
      { host: base.hostname, port: base.port, method, path, agent, headers: { ...headers, ...(body ? { "content-length": Buffer.byteLength(body) } : {}) } },
      (res) => {
        const chunks = [];
        res.on("data", (c) => chunks.push(c));
        res.on("end", () => resolve({ status: res.statusCode, headers: res.headers, body: Buffer.concat(chunks).toString() }));
        res.on("error", reject);
      },
    );
    req.setTimeout(timeout, () => req.destroy(Object.assign(new Error("no answer in time"), { code: "TIMEOUT" })));
    req.on("error", reject);
    if (body) req.write(body);
    req.end();
  });
}

function percentile(sorted, p) {
  if (sorted.length === 0) return null;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))];
}
const round = (x) => (x === null ? null : Math.round(x * 10) / 10);

async function read() {
  const paths = (args.paths || "/healthz").split(",");
  const rate = Number(args.rate || 40);
  const connections = Number(args.connections || 8);
  const agent = new http.Agent({ keepAlive: true, maxSockets: connections });
  const latencies = [];
  const failures = {};
  const upstreams = {};
  let sent = 0;
  let ok = 0;
  let inFlight = 0;
  const started = performance.now();
  const one = async (path, due) => {
    inFlight++;
    try {
      const res = await request(agent, "GET", path, { headers: { accept: "text/html" } });
      const upstream = String(res.headers["x-wellspring-upstream"] || "none");
      upstreams[upstream] = (upstreams[upstream] || 0) + 1;
      if (res.status >= 200 && res.status < 400) {
        ok++;
        latencies.push(performance.now() - due);
      } else {
        const key = `${res.status} ${path}`;
        failures[key] = (failures[key] || 0) + 1;
      }
    } catch (error) {
      const key = `${error.code || error.message} ${path}`;
      failures[key] = (failures[key] || 0) + 1;
    } finally {
      inFlight--;
    }
  };
  const interval = 1000 / rate;
  while (!stopping) {
    const due = started + sent * interval;
    const wait = due - performance.now();
    if (wait > 0) {
      await sleep(wait);
      if (stopping) break;
    }
    one(paths[sent % paths.length], due);
    sent++;
  }
  const elapsed = (performance.now() - started) / 1000;
  const deadline = performance.now() + 35_000;
  while (inFlight > 0 && performance.now() < deadline) await new Promise((r) => setTimeout(r, 20));
  agent.destroy();
  latencies.sort((a, b) => a - b);
  const failed = Object.values(failures).reduce((a, b) => a + b, 0);
  console.log(
    JSON.stringify({
      label: args.label || "read",
      seconds: round(elapsed),
      sent,
      ok,
      failed,
      failures,
      p50_ms: round(percentile(latencies, 50)),
      p99_ms: round(percentile(latencies, 99)),
      max_ms: round(latencies.at(-1) ?? null),
      upstreams,
    }),
  );
}

/** A browser's cookies, kept from every response. */
class Jar {
  constructor() {
    this.cookies = new Map();
  }
  take(headers) {
    for (const line of headers["set-cookie"] || []) {
      const [pair, ...attrs] = line.split(";");
      const at = pair.indexOf("=");
      const name = pair.slice(0, at).trim();
      const value = pair.slice(at + 1).trim();
      const gone = attrs.some((a) => /^\s*max-age=0\s*$/i.test(a)) || value === "";
      if (gone) this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
  }
  header() {
    return [...this.cookies].map(([k, v]) => `${k}=${v}`).join("; ");
  }
}

async function write() {
  if (!args.out) throw new Error("--out is required");
  const rate = Number(args.rate || 4);
  const memberCount = Number(args.members || 2);
  const run = Date.now().toString(36);
  const agent = new http.Agent({ keepAlive: true, maxSockets: memberCount * 2 });
  const records = [];
  const origin = base.origin;

  const post = async (jar, path, form) => {
    const res = await request(agent, "POST", path, {
      headers: {
        "content-type": "application/x-www-form-urlencoded",
        origin,
        accept: "application/json",
        cookie: jar.header(),
      },
      body: new URLSearchParams(form).toString(),
    });
    jar.take(res.headers);
    return res;
  };
  const mustPost = async (jar, path, form) => {
    const res = await post(jar, path, form);
    if (res.status >= 400) throw new Error(`${path}: ${res.status} ${res.body.slice(0, 300)}`);
    return res;
  };

  const mailedToken = async (email, path) => {
    for (let i = 0; i < 100; i++) {
      const res = await request(agent, "GET", "/dev/mailbox");
      const article = res.body
        .split('<article data-testid="mail"')
        .slice(1)
        .find((a) => a.includes(`<span data-testid="mail-to">${email}</span>`) && a.includes(`${path}?token=`));
      const match = article?.match(new RegExp(`${path}\\?token=([^"<\\s&]+)`));
      if (match) return match[1];
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error(`no ${path} link mailed to ${email}`);
  };

  // Setup: members, a circle, a first post each.
  const members = [];
  for (let m = 0; m < memberCount; m++) {
    const jar = new Jar();
    const handle = `cw_${run}_${m}`;
    const email = `${handle}@example.com`;
    const password = "slow mornings by the lake";
    await mustPost(jar, "/api/auth/signup", { email, password, handle, display_name: `Writer ${m}` });
    const token = await mailedToken(email, "/verify");
    await mustPost(jar, "/api/auth/verify", { token });
    await mustPost(jar, "/api/auth/login", { email, password });
    members.push({ m, jar, handle, posts: [] });
  }
  const circles = JSON.parse((await mustPost(members[0].jar, "/api/circles/list", {})).body);
  const circle = circles.find((c) => c.visibility === "public" && !c.is_support);
  if (!circle) throw new Error("no public circle to write in (is the demo community seeded?)");
  for (const member of members) await mustPost(member.jar, "/api/circles/join", { slug: circle.slug });

  let refusedOutright = 0;
  // One write, resent with the same key until it is answered (or 10 tries).
  const send = async (member, kind, marker, form) => {
    const record = { kind, marker, acked: false, attempts: 0, status: null, resent_after: [] };
    records.push(record);
    const submission = randomUUID();
    for (let attempt = 1; attempt <= 10; attempt++) {
      record.attempts = attempt;
      try {
        const res = await post(member.jar, `/api/${kind}s/create`, { ...form, submission });
        record.status = res.status;
        if (res.status < 400) {
          record.acked = true;
          if (kind === "post") {
            const id = String(res.headers.location || "").match(/\/p\/(\d+)/)?.[1];
            if (id) member.posts.push(id);
          }
          return;
        }
        if (res.status === 429) return; // a limit: refused, not lost
        if (res.status !== 502 && res.status !== 503 && res.status !== 504) {
          refusedOutright++;
          record.body = res.body.slice(0, 300);
          return;
        }
      } catch (error) {
        record.status = error.code || error.message;
      }
      record.resent_after.push(record.status);
      await new Promise((r) => setTimeout(r, 300));
    }
  };

  for (const member of members) {
    await send(member, "post", `cw-${run}-${member.m}-0`, { circle: circle.slug, title: `cw-${run}-${member.m}-0`, body: "A first word, before the others." });
    if (member.posts.length === 0) throw new Error(`member ${member.m} could not post: ${JSON.stringify(records.at(-1))}`);
  }

  const started = performance.now();
  const interval = (1000 * memberCount) / rate;
  await Promise.all(
    members.map(async (member) => {
      for (let n = 1; !stopping; n++) {
        const due = started + n * interval;
        const marker = `cw-${run}-${member.m}-${n}`;
        if (n % 10 === 0) {
          await send(member, "post", marker, { circle: circle.slug, title: marker, body: "Written through the proxy." });
        } else {
          await send(member, "comment", marker, { post_id: member.posts.at(-1), body: marker });
        }
        const wait = due - performance.now();
        if (wait > 0) await sleep(wait);
      }
    }),
  );
  agent.destroy();
  writeFileSync(args.out, records.map((r) => JSON.stringify(r)).join("\n") + "\n");
  const acked = records.filter((r) => r.acked);
  const causes = {};
  for (const r of records) for (const c of r.resent_after) causes[c] = (causes[c] || 0) + 1;
  console.log(
    JSON.stringify({
      label: "write",
      run,
      circle: circle.slug,
      writes: records.length,
      acked: acked.length,
      acked_after_resending: acked.filter((r) => r.attempts > 1).length,
      not_acked: records.length - acked.length,
      resent_after: causes,
      refused_outright: refusedOutright,
    }),
  );
  if (refusedOutright > 0) {
    console.error(records.filter((r) => r.body).slice(0, 5));
    process.exit(1);
  }
}

const modes = { read, write };
if (!modes[args.mode]) throw new Error("mode: read or write");
modes[args.mode]().catch((error) => {
  console.error(`cluster-load: ${error.stack || error}`);
  process.exit(1);
});
