import { Database } from "bun:sqlite";
import { afterAll, expect, test } from "bun:test";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Subprocess } from "bun";

const FIXTURE = join(import.meta.dir, "../testing/fixtures/job-worker.ts");
const dataDir = mkdtempSync(join(tmpdir(), "parley-crash-"));
const procs: Subprocess[] = [];

afterAll(() => {
  for (const p of procs) if (p.exitCode === null && p.signalCode === null) p.kill("SIGKILL");
  rmSync(dataDir, { recursive: true, force: true });
});

function fixture(...args: string[]) {
  const p = Bun.spawn([process.execPath, FIXTURE, dataDir, ...args], { stdout: "pipe", stderr: "pipe" });
  procs.push(p);
  return p;
}

async function run(...args: string[]) {
  const p = fixture(...args);
  const code = await p.exited;
  if (code !== 0) throw new Error(`fixture ${args.join(" ")} exited ${code}: ${await new Response(p.stderr).text()}`);
}

const markerLines = () => {
  const file = join(dataDir, "marker.log");
  return existsSync(file) ? readFileSync(file, "utf8").trim().split("\n") : [];
};

async function waitFor(what: string, cond: () => boolean, ms = 8_000) {
  const until = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}; marker:\n${markerLines().join("\n")}`);
    await Bun.sleep(20);
  }
}

function jobs(): { status: string; attempts: number; n: number }[] {
  const db = new Database(join(dataDir, "parley.db"), { readonly: true });
  try {
    db.exec("PRAGMA busy_timeout = 5000");
    return db
      .query("SELECT status, attempts, json_extract(payload, '$.n') AS n FROM jobs WHERE kind = 'crash-test.step' ORDER BY id")
      .all() as { status: string; attempts: number; n: number }[];
  } finally {
    db.close();
  }
}

test("SIGKILL mid-job: after restart the killed job runs again and every job enqueued before the kill is done", async () => {
  // Jobs 1..5 exist before the worker starts; job 1 hangs on its first attempt.
  await run("enqueue", "1", "5", "--hang");

  const first = fixture("work");
  await waitFor("the hanging job to be leased", () => markerLines().some((l) => l.startsWith(`leased 1 ${first.pid}`)));
  // More work arrives from another process while the worker is busy.
  await run("enqueue", "6", "8");
  expect(jobs().find((j) => j.n === 1)).toMatchObject({ status: "running", attempts: 1 });

  first.kill("SIGKILL");
  expect(await first.exited).not.toBe(0);
  expect(first.signalCode).toBe("SIGKILL");
  // The killed worker left its job 'running' with a long lease.
  expect(jobs().find((j) => j.n === 1)?.status).toBe("running");

  const second = fixture("work");
  // The lease is 120 s: finishing within the timeout proves recoverOrphans gave the job back at start.
  await waitFor("all jobs to be done after the restart", () => {
    const rows = jobs();
    return rows.length === 8 && rows.every((j) => j.status === "done");
  });

  const rows = jobs();
  expect(rows.map((j) => j.n)).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
  expect(rows[0]).toMatchObject({ status: "done", attempts: 2 });
  const lines = markerLines();
  // At-least-once: job 1 was leased by the killed worker and ran again, to completion, in the new one.
  expect(lines).toContain(`leased 1 ${first.pid}`);
  expect(lines).toContain(`done 1 2 ${second.pid}`);
  for (let n = 2; n <= 8; n++) expect(lines.some((l) => l.startsWith(`done ${n} `))).toBe(true);
  expect(lines.some((l) => l.startsWith(`leased 1 ${second.pid}`))).toBe(false);

  second.kill("SIGTERM");
  expect(await second.exited).toBe(0);

  const db = new Database(join(dataDir, "parley.db"));
  try {
    expect(db.query("PRAGMA integrity_check").get()).toEqual({ integrity_check: "ok" });
  } finally {
    db.close();
  }
}, 20_000);
