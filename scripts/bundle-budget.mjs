// The browser bundle's budget (issue 13): prints the newest wasm, JS and CSS of the built
// site, raw / gzip / brotli (the precompressed files the server sends), beside their
// budgets, and exits non-zero when the brotli wasm is over its budget, so a change that
// grows the bundle fails `make test` the day it lands.
//
// With islands (issue 13) one wasm serves every page, so its size is the post page's. It
// was 655,295 bytes brotli before islands and 171,180 after; the budget sits a little above
// that, under the ceiling of 200,000, so the realtime and moderation islands to
// come must earn their bytes. Realtime (issue 14) earned 10,500: the page's socket, its
// reconnection and resumption, the live bell and the "new replies" banner (181,680 after);
// the budget moved to 190,000. Override for an experiment with WASM_BROTLI_BUDGET=<bytes>;
// change the default here, with the reason in the commit.
import { readdirSync, statSync, existsSync } from "node:fs";
import { join, extname } from "node:path";

const WASM_BROTLI_BUDGET = Number(process.env.WASM_BROTLI_BUDGET ?? 190_000);
const GOAL = 200_000; // the ceiling for the post page
const dir = process.argv[2] ?? "target/site/pkg";

function newest(ext) {
  const files = readdirSync(dir)
    .filter((name) => extname(name) === ext && !name.includes(".d."))
    .map((name) => join(dir, name))
    .sort((a, b) => statSync(b).mtimeMs - statSync(a).mtimeMs);
  return files[0];
}

function size(path) {
  return existsSync(path) ? statSync(path).size : NaN;
}

const rows = [];
let over = false;
for (const ext of [".wasm", ".js", ".css"]) {
  const file = newest(ext);
  if (!file) {
    console.error(`bundle-budget: no ${ext} file in ${dir}; build the site first`);
    process.exit(2);
  }
  const [raw, gz, br] = [size(file), size(`${file}.gz`), size(`${file}.br`)];
  let budget = "";
  if (ext === ".wasm") {
    if (Number.isNaN(br)) {
      console.error(`bundle-budget: ${file}.br is missing; run scripts/precompress.mjs first`);
      process.exit(2);
    }
    over = br > WASM_BROTLI_BUDGET;
    budget = `${WASM_BROTLI_BUDGET.toLocaleString("en")} (ceiling ${GOAL.toLocaleString("en")})`;
  }
  rows.push([ext.slice(1), raw, gz, br, budget]);
}

// The upload progress script (issue 16) is apart from the wasm: only pages with an upload
// form load it. It has its own small budget, so it cannot grow into a second bundle.
const UPLOAD_SCRIPT_BROTLI_BUDGET = 1_500;
{
  const { readFileSync } = await import("node:fs");
  const { gzipSync, brotliCompressSync } = await import("node:zlib");
  const script = join(dir, "..", "upload-progress.js");
  const source = existsSync(script) ? script : "public/upload-progress.js";
  const bytes = readFileSync(source);
  const br = brotliCompressSync(bytes).length;
  rows.push(["upload", bytes.length, gzipSync(bytes).length, br, `${UPLOAD_SCRIPT_BROTLI_BUDGET.toLocaleString("en")} (upload-progress.js)`]);
  if (br > UPLOAD_SCRIPT_BROTLI_BUDGET) {
    console.error(`bundle-budget: upload-progress.js is ${br} bytes brotli, over its ${UPLOAD_SCRIPT_BROTLI_BUDGET}`);
    process.exitCode = 1;
  }
}

const fmt = (n) => (Number.isNaN(n) ? "n/a" : n.toLocaleString("en"));
console.log("file   raw          gzip         brotli       brotli budget");
for (const [name, raw, gz, br, budget] of rows) {
  console.log(
    `${name.padEnd(6)} ${fmt(raw).padStart(12)} ${fmt(gz).padStart(12)} ${fmt(br).padStart(12)}  ${budget}`,
  );
}
if (over) {
  console.error(
    `bundle-budget: the wasm is ${fmt(rows[0][3])} bytes brotli, over its budget of ` +
      `${fmt(WASM_BROTLI_BUDGET)}. Find what grew with bench/wasm-profile.sh.`,
  );
  process.exit(1);
}
