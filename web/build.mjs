// Builds every page under src/<page>/ into dist/<page>/: src/<page>/main.ts bundled (esbuild) as
// main-<hash>.js (+ main-<hash>.css when it imports CSS), and src/<page>/public/* copied beside it with
// "main.js"/"main.css" references rewritten to the hashed names, so HTML, the service worker and the
// manifest can be served "no-cache" while the bundles are cached for good. src/shared/ is not a page.
// A page whose src/<page>/target.json says {"dir": "static", "name": "app"} is built into dist/static/
// as app.js, unhashed, for pages that reference it by a fixed name. Code a page loads with
// `await import(...)` becomes chunks/<name>-<hash>.js. Each page gets precache.json: every file of
// the page (maps aside), for a service worker to cache the whole page for offline use.
// Prints one line (pages, files, size); every file's size is in dist/build.json.
// Usage: node build.mjs (the Makefile's `web` target type-checks first, then runs it).
import { build } from "esbuild";
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { basename, dirname, join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { gzipSync } from "node:zlib";

const root = dirname(fileURLToPath(import.meta.url));
const src = join(root, "src");
const dist = join(root, "dist");
const TEXT = /\.(html|js|webmanifest|json|css|txt)$/;

const pages = readdirSync(src, { withFileTypes: true })
  .filter((entry) => entry.isDirectory() && existsSync(join(src, entry.name, "main.ts")))
  .map((entry) => entry.name);

rmSync(dist, { recursive: true, force: true });
const report = {};
for (const page of pages) {
  const target = existsSync(join(src, page, "target.json"))
    ? JSON.parse(readFileSync(join(src, page, "target.json"), "utf8"))
    : { dir: page, name: "main", hashed: true };
  const out = join(dist, target.dir);
  mkdirSync(out, { recursive: true });
  const result = await build({
    entryPoints: { [target.name]: join(src, page, "main.ts") },
    entryNames: target.hashed ? "[name]-[hash]" : "[name]",
    chunkNames: "chunks/[name]-[hash]",
    outdir: out,
    bundle: true,
    splitting: Boolean(target.hashed),
    minify: true,
    sourcemap: "linked",
    format: target.hashed ? "esm" : "iife", // a fixed-name script is loaded as a classic <script>
    target: ["es2022", "chrome110", "safari16", "firefox115"],
    platform: "browser",
    // amazon-cognito-identity-js (and the `buffer` it pulls in) read Node's `global`.
    define: { global: "globalThis" },
    tsconfig: join(root, "tsconfig.json"),
    metafile: true,
    legalComments: "linked",
    logLevel: "warning",
  });
  const renamed = {};
  for (const file of Object.keys(result.metafile.outputs)) {
    const name = basename(file);
    const plain = name.replace(/-[A-Z0-9]{8}\./, ".");
    if (!name.endsWith(".map") && !file.includes("/chunks/")) renamed[plain] = name;
  }
  const publicDir = join(src, page, "public");
  if (existsSync(publicDir)) {
    cpSync(publicDir, out, { recursive: true });
    for (const file of listFiles(out)) {
      if (!TEXT.test(file) || Object.values(renamed).includes(basename(file))) continue;
      let text = readFileSync(file, "utf8");
      for (const [plain, hashed] of Object.entries(renamed)) {
        text = text.replaceAll(new RegExp(`(?<=["'/])${plain.replace(".", "\\.")}(?=["'?#])`, "g"), hashed);
      }
      writeFileSync(file, text);
    }
  }
  const shell = listFiles(out)
    .map((file) => relative(out, file))
    .filter((file) => !file.endsWith(".map") && !file.endsWith(".LEGAL.txt") && file !== "sw.js")
    .sort();
  if (target.hashed) writeFileSync(join(out, "precache.json"), JSON.stringify(shell) + "\n");
  report[page] = Object.fromEntries(
    Object.entries(result.metafile.outputs)
      .filter(([file]) => !file.endsWith(".map") && !file.endsWith(".LEGAL.txt"))
      .map(([file, meta]) => [relative(dist, join(root, file)), meta.bytes]),
  );
}
writeFileSync(join(dist, "build.json"), JSON.stringify(report, null, 2) + "\n");
// One line for a person; every file's size is in dist/build.json (what the size budgets check).
const built = Object.values(report).flatMap((files) => Object.entries(files));
const bytes = built.reduce((sum, [, size]) => sum + size, 0);
const gzipped = built.reduce((sum, [file]) => sum + gzipSync(readFileSync(join(dist, file))).length, 0);
const kb = (n) => `${(n / 1024).toFixed(0)} KB`;
console.log(
  `web: built ${pages.length} pages (${Object.keys(report).join(", ")}) into web/dist: ` +
    `${built.length} files, ${kb(bytes)}, ${kb(gzipped)} gzipped`,
);

function listFiles(folder) {
  return readdirSync(folder, { withFileTypes: true, recursive: true })
    .filter((entry) => entry.isFile())
    .map((entry) => join(entry.parentPath, entry.name));
}
