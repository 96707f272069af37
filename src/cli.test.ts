import { Database } from "bun:sqlite";
import { afterAll, describe, expect, test } from "bun:test";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { runParley, startParleyServer, type ParleyServer } from "./testing/fixtures/parley-process.ts";
import { VERSION } from "./version.ts";

const PLATFORM_TOKEN = "cli-test-platform-token-0123456789";
const work = mkdtempSync(join(tmpdir(), "parley-cli-"));
const dataDir = join(work, "data");
const backupFile = join(work, "snapshots", "parley-backup.db");
const env = { PARLEY_DATA_DIR: dataDir, PARLEY_PLATFORM_TOKEN: PLATFORM_TOKEN, PARLEY_LOG_LEVEL: "info" };
const servers: ParleyServer[] = [];

afterAll(async () => {
  await Promise.all(servers.map((s) => s.stop("SIGKILL")));
  rmSync(work, { recursive: true, force: true });
});

async function serve() {
  const s = await startParleyServer(env);
  servers.push(s);
  return s;
}

type Account = { id: number; name: string };

async function createAccount(s: ParleyServer, name: string): Promise<Account> {
  const res = await fetch(`${s.url}/platform/api/v1/accounts`, {
    method: "POST",
    headers: { api_access_token: PLATFORM_TOKEN, "content-type": "application/json" },
    body: JSON.stringify({ name }),
  });
  if (res.status !== 200) throw new Error(`create account: ${res.status} ${await res.text()}`);
  return res.json();
}

async function getAccount(s: ParleyServer, id: number) {
  return fetch(`${s.url}/platform/api/v1/accounts/${id}`, { headers: { api_access_token: PLATFORM_TOKEN } });
}

function accountsIn(file: string): Account[] {
  const db = new Database(file, { readonly: true });
  try {
    return db.query("SELECT id, name FROM accounts ORDER BY id").all() as Account[];
  } finally {
    db.close();
  }
}

function integrity(file: string): string {
  const db = new Database(file, { readonly: true });
  try {
    return (db.query("PRAGMA integrity_check").get() as { integrity_check: string }).integrity_check;
  } finally {
    db.close();
  }
}

describe("simple commands", () => {
  test("`parley version` prints the version", async () => {
    const r = await runParley(["version"], {});
    expect(r).toEqual({ code: 0, stdout: `${VERSION}\n`, stderr: "" });
  });

  test("an unknown command exits 2 with the usage", async () => {
    const r = await runParley(["frobnicate"], { PARLEY_DATA_DIR: join(work, "unused") });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('Unknown command "frobnicate"');
    expect(r.stderr).toContain("backup FILE");
  });

  test("backup and restore without FILE exit 2 with their usage", async () => {
    for (const cmd of ["backup", "restore"]) {
      const r = await runParley([cmd], { PARLEY_DATA_DIR: join(work, "unused") });
      expect(r.code).toBe(2);
      expect(r.stderr).toContain(`Usage: parley ${cmd} FILE`);
    }
  });
});

describe("backup and restore around a running server", () => {
  let server: ParleyServer;
  const before: Account[] = [];
  const during: { account: Account; at: number }[] = [];
  let backupStartedAt = 0;
  let createdTotal: Account[] = [];

  test("`parley backup FILE` while the server is writing gives a consistent, complete copy", async () => {
    server = await serve();
    for (let i = 1; i <= 5; i++) before.push(await createAccount(server, `before-${i}`));

    // Keep writing, one request after the other, for the whole backup.
    let writing = true;
    const writer = (async () => {
      for (let i = 1; writing; i++) {
        const account = await createAccount(server, `during-${i}`);
        during.push({ account, at: performance.now() });
      }
    })();
    while (during.length < 5) await Bun.sleep(2);
    backupStartedAt = performance.now();
    const r = await runParley(["backup", backupFile], env);
    writing = false;
    await writer;
    const after: Account[] = [];
    for (let i = 1; i <= 3; i++) after.push(await createAccount(server, `after-${i}`));
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(`Backup written to ${backupFile}`);

    expect(integrity(backupFile)).toBe("ok");
    const saved = accountsIn(backupFile);
    const savedIds = new Set(saved.map((a) => a.id));
    const committedBefore = [...before, ...during.filter((d) => d.at < backupStartedAt).map((d) => d.account)];
    for (const a of committedBefore) expect(savedIds.has(a.id)).toBe(true);
    // A snapshot: a prefix of the committed writes (ids are handed out in commit order), no holes, nothing invented.
    createdTotal = [...before, ...during.map((d) => d.account), ...after];
    expect(saved).toEqual(createdTotal.slice(0, saved.length).map(({ id, name }) => ({ id, name })));
    // Writes after the backup are in the live database only.
    expect(saved.length).toBeLessThan(createdTotal.length);
  }, 20_000);

  test("backup refuses to overwrite an existing file", async () => {
    const bytes = readFileSync(backupFile);
    const r = await runParley(["backup", backupFile], env);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("already exists");
    expect(readFileSync(backupFile).equals(bytes)).toBe(true);
  });

  test("`parley restore FILE` refuses while the server runs, and changes nothing", async () => {
    const r = await runParley(["restore", backupFile], env);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`pid ${server.proc.pid}`);
    expect(r.stderr).toContain("Stop it before restoring");
    expect(existsSync(join(dataDir, "backups"))).toBe(false);
    const last = createdTotal.at(-1)!;
    expect((await getAccount(server, last.id)).status).toBe(200);
  });

  test("a file that is not a Parley backup is refused", async () => {
    const junk = join(work, "junk.db");
    writeFileSync(junk, "this is not a database at all, just some text that is long enough".repeat(20));
    expect(await server.stop("SIGTERM")).toBe(0);
    expect(existsSync(join(dataDir, "parley.pid"))).toBe(false);
    const r = await runParley(["restore", junk], env);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("not a usable Parley backup");
    const missing = await runParley(["restore", join(work, "missing.db")], env);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain("does not exist");
    expect(accountsIn(join(dataDir, "parley.db"))).toHaveLength(createdTotal.length);
  });

  test("restore refuses while any other process still has the database open, even without a pid file", async () => {
    expect(existsSync(join(dataDir, "parley.pid"))).toBe(false);
    const holder = new Database(join(dataDir, "parley.db"));
    try {
      holder.exec("PRAGMA journal_mode = WAL");
      expect(holder.query("SELECT count(*) AS n FROM accounts").get()).toEqual({ n: createdTotal.length });
      const r = await runParley(["restore", backupFile], env);
      expect(r.code).toBe(1);
      expect(r.stderr).toContain("is still open in another process");
      expect(existsSync(join(dataDir, "backups"))).toBe(false);
      expect(holder.query("SELECT count(*) AS n FROM accounts").get()).toEqual({ n: createdTotal.length });
    } finally {
      holder.close();
    }
  });

  test("after SIGTERM it restores, keeping the previous database in data/backups/", async () => {
    const r = await runParley(["restore", backupFile], env);
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    const kept = readdirSync(join(dataDir, "backups"));
    expect(kept).toHaveLength(1);
    expect(kept[0]).toMatch(/^parley-before-restore-.*\.db$/);
    expect(r.stdout).toContain(join(dataDir, "backups", kept[0]));
    // The file kept aside is the complete previous database (its WAL folded in).
    const previous = join(dataDir, "backups", kept[0]);
    expect(integrity(previous)).toBe("ok");
    expect(accountsIn(previous).map((a) => a.id)).toEqual(createdTotal.map((a) => a.id));
    expect(readFileSync(previous)[18]).toBe(1); // a standalone rollback-journal file, not a WAL one needing its -wal
    expect(readdirSync(join(dataDir, "backups"))).toEqual(kept);
    expect(existsSync(join(dataDir, "parley.db-wal"))).toBe(false);
    expect(accountsIn(join(dataDir, "parley.db"))).toEqual(accountsIn(backupFile));
  });

  test("a server started on the restored data dir serves the backed-up data, and only that", async () => {
    const saved = accountsIn(backupFile);
    const restored = await serve();
    for (const a of [saved[0], saved.at(-1)!]) {
      const res = await getAccount(restored, a.id);
      expect(res.status).toBe(200);
      expect(await res.json()).toMatchObject({ id: a.id, name: a.name });
    }
    const lost = createdTotal[saved.length];
    expect((await getAccount(restored, lost.id)).status).toBe(404);
    const list = await fetch(`${restored.url}/platform/api/v1/accounts`, { headers: { api_access_token: PLATFORM_TOKEN } });
    expect(list.status).toBe(200);
    expect(((await list.json()) as Account[]).map((a) => a.id).sort((x, y) => x - y)).toEqual(saved.map((a) => a.id));
    // It is writable again.
    const fresh = await createAccount(restored, "after-restore");
    expect((await getAccount(restored, fresh.id)).status).toBe(200);

    // A server killed without cleanup leaves a stale pid file; it must not block a later restore.
    expect(await restored.stop("SIGKILL")).not.toBe(0);
    expect(existsSync(join(dataDir, "parley.pid"))).toBe(true);
    const again = await runParley(["restore", backupFile], env);
    expect(again.stderr).toBe("");
    expect(again.code).toBe(0);
    expect(readdirSync(join(dataDir, "backups"))).toHaveLength(2);
    // The killed server's last write is in the database kept aside.
    const newest = readdirSync(join(dataDir, "backups")).sort().at(-1)!;
    expect(accountsIn(join(dataDir, "backups", newest)).map((a) => a.name)).toContain("after-restore");
  }, 20_000);

  test("a damaged database is no obstacle to restoring: it is kept aside as it was", async () => {
    const junk = Buffer.from("not sqlite ".repeat(500));
    rmSync(join(dataDir, "backups"), { recursive: true });
    writeFileSync(join(dataDir, "parley.db"), junk);
    const r = await runParley(["restore", backupFile], env);
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    const kept = readdirSync(join(dataDir, "backups"));
    expect(kept).toHaveLength(1);
    expect(readFileSync(join(dataDir, "backups", kept[0])).equals(junk)).toBe(true);
    expect(integrity(join(dataDir, "parley.db"))).toBe("ok");
    expect(accountsIn(join(dataDir, "parley.db"))).toEqual(accountsIn(backupFile));
  });
});
