// Writes .br and .gz beside each compressible file of the built site, so the server can
// send precompressed assets (tower-http ServeDir) without compressing on every request.
// Uses Node's own zlib: no extra tools to install.
import { readdirSync, readFileSync, writeFileSync, statSync } from "node:fs";
import { join, extname } from "node:path";
import { brotliCompressSync, gzipSync, constants } from "node:zlib";

const dir = process.argv[2] ?? "target/site/pkg";
const compressible = new Set([".js", ".wasm", ".css", ".svg", ".html", ".txt", ".json"]);
for (const name of readdirSync(dir)) {
  const path = join(dir, name);
  if (!statSync(path).isFile() || !compressible.has(extname(name))) continue;
  const raw = readFileSync(path);
  writeFileSync(`${path}.br`, brotliCompressSync(raw, {
    params: { [constants.BROTLI_PARAM_QUALITY]: 11, [constants.BROTLI_PARAM_SIZE_HINT]: raw.length },
  }));
  writeFileSync(`${path}.gz`, gzipSync(raw, { level: 9 }));
}
