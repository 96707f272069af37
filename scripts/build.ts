// `npm run build`: compiles src/main.ts into dist/parley, one executable that carries the code, the migrations
// (text imports in src/db/migrations.gen.ts) and the static assets (`with { type: "file" }` imports).
//
//   bun scripts/build.ts [--outfile dist/parley] [--no-bytecode] [--no-smoke]
//
// Steps: refuse a stale migrations module, bundle + compile (minified, bytecode for a faster cold start, source
// map embedded so stack traces name our files), then run `parley version` from an empty directory to prove the
// file needs nothing beside it. `.ci/run` and `npm run bench` go further (start it, GET /health).
import { mkdirSync, mkdtempSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import pkg from "../package.json" with { type: "json" };

const args = process.argv.slice(2);
const outIndex = args.indexOf("--outfile");
const outfile = resolve(outIndex >= 0 && args[outIndex + 1] ? args[outIndex + 1]! : "dist/parley");
const bytecode = !args.includes("--no-bytecode");
const smoke = !args.includes("--no-smoke");
const root = resolve(import.meta.dir, "..");

function fail(message: string): never {
  console.error(`build failed: ${message}`);
  process.exit(1);
}

// 1. The embedded migrations must match migrations/ (a stale module would ship an old schema).
const check = Bun.spawnSync([process.execPath, "scripts/gen-migrations.ts", "--check"], { cwd: root, stdout: "inherit", stderr: "inherit" });
if (check.exitCode !== 0) fail("src/db/migrations.gen.ts is stale (see above)");

// 2. Bundle and compile.
const started = performance.now();
mkdirSync(dirname(outfile), { recursive: true });
rmSync(outfile, { force: true });
let result: Awaited<ReturnType<typeof Bun.build>>;
try {
  result = await Bun.build({
    // Worker threads (the WAL checkpointer, webhook delivery) are loaded by URL at run time: entrypoints of their own.
    entrypoints: [join(root, "src/main.ts"), join(root, "src/db/checkpoint-worker.ts"), join(root, "src/jobs/webhook-thread.ts")],
    target: "bun",
    format: "esm",
    minify: true,
    bytecode,
    // "linked" embeds the map into the executable when compiling; the .map written beside it is removed below.
    sourcemap: "linked",
    define: { "process.env.NODE_ENV": JSON.stringify("production") },
    compile: {
      outfile,
      // A bunfig.toml or tsconfig.json in the directory where the appliance is started must not change it.
      autoloadBunfig: false,
      autoloadTsconfig: false,
      autoloadPackageJson: false,
      // Like `bun src/main.ts`, the executable reads a .env file in its working directory.
      autoloadDotenv: true,
    },
  });
} catch (err) {
  // Bun.build throws an AggregateError listing the unresolved imports and syntax errors.
  for (const e of (err as AggregateError).errors ?? [err]) console.error(e);
  fail("bun build --compile reported errors (see above)");
}
for (const log of result.logs) console.error(log);
if (!result.success) fail("bun build --compile reported errors (see above)");
rmSync(`${outfile}.map`, { force: true });
const size = statSync(outfile).size;
console.log(`built ${outfile} (${(size / 1024 / 1024).toFixed(1)} MB${bytecode ? ", bytecode" : ""}) in ${Math.round(performance.now() - started)} ms`);

// 3. The executable must run with nothing beside it: start it from an empty directory, outside the repository.
if (smoke) {
  const empty = mkdtempSync(join(tmpdir(), "parley-build-"));
  try {
    const run = Bun.spawnSync([outfile, "version"], { cwd: empty, env: { PATH: process.env.PATH ?? "/usr/bin:/bin" }, stdout: "pipe", stderr: "pipe" });
    const printed = run.stdout.toString().trim();
    if (run.exitCode !== 0 || printed !== pkg.version) {
      fail(`"${outfile} version" exited ${run.exitCode} and printed "${printed}" (expected "${pkg.version}")\n${run.stderr.toString()}`);
    }
    console.log(`smoke: "parley version" from an empty directory printed ${printed}`);
  } finally {
    rmSync(empty, { recursive: true, force: true });
  }
}
