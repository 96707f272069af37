// A real IMAP server for the email channel's tests: Debian's dovecot (dovecot-imapd), started from a generated
// configuration in a temporary directory on a free port of 127.0.0.1 — plaintext IMAP, passwd-file users, maildir
// under the temp dir — and killed afterwards. Nothing outside the temp dir is read or written, so the machine's own
// /etc/dovecot (and any system dovecot) is left alone. When the binary is missing the setup installs the package
// (`apt-get install -y dovecot-imapd`, as .ci/run does), which needs root; otherwise the test fails with a hint.
import { spawnSync } from "node:child_process";
import { chmodSync, chownSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { userInfo } from "node:os";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { closedPort } from "../fixtures/smtp-sink.ts";

export const DOVECOT_BINARY = "/usr/sbin/dovecot";

export type DovecotUser = { login: string; password: string };

export type Dovecot = {
  host: string;
  port: number;
  users: DovecotUser[];
  dir: string;
  /** The server's log (for a failing test's message). */
  log(): string;
  stop(): Promise<void>;
};

/** Installs dovecot-imapd when /usr/sbin/dovecot is missing (root only; CI runs as root). */
export function ensureDovecot(): void {
  if (existsSync(DOVECOT_BINARY)) return;
  if (process.getuid?.() !== 0) throw new Error(`${DOVECOT_BINARY} is missing: install it with "apt-get install -y dovecot-imapd"`);
  for (let attempt = 1; attempt <= 3; attempt++) {
    const update = spawnSync("apt-get", ["update", "-q"], { stdio: "ignore", env: { ...process.env, DEBIAN_FRONTEND: "noninteractive" } });
    const install =
      update.status === 0
        ? spawnSync("apt-get", ["install", "-y", "-q", "dovecot-imapd"], { stdio: "ignore", env: { ...process.env, DEBIAN_FRONTEND: "noninteractive" } })
        : update;
    if (install.status === 0 && existsSync(DOVECOT_BINARY)) return;
  }
  throw new Error("could not install dovecot-imapd with apt-get");
}

function idOf(name: string): { uid: number; gid: number } | null {
  const r = spawnSync("id", ["-u", name], { encoding: "utf8" });
  const g = spawnSync("id", ["-g", name], { encoding: "utf8" });
  if (r.status !== 0 || g.status !== 0) return null;
  return { uid: Number(r.stdout.trim()), gid: Number(g.stdout.trim()) };
}

function chownTree(path: string, uid: number, gid: number) {
  chownSync(path, uid, gid);
  if (statSync(path).isDirectory()) for (const entry of readdirSync(path)) chownTree(join(path, entry), uid, gid);
}

/**
 * Starts dovecot with the given users (each gets an empty INBOX); `idle: false` leaves IDLE out of its capabilities. As root, dovecot's own unprivileged users
 * (dovenull for logins, dovecot for everything else and for the mail files) do the work, as the package sets up;
 * as another user, that user runs every process.
 */
export async function startDovecot(users: DovecotUser[], options: { idle?: boolean } = {}): Promise<Dovecot> {
  ensureDovecot();
  const dir = mkdtempSync(join(tmpdir(), "parley-dovecot-"));
  chmodSync(dir, 0o755);
  const port = await closedPort();
  const root = process.getuid?.() === 0;
  const me = userInfo();
  const internal = root ? (idOf("dovecot") ?? { uid: me.uid, gid: me.gid }) : { uid: me.uid, gid: me.gid };
  const loginUser = root ? (idOf("dovenull") ? "dovenull" : "dovecot") : me.username;
  const internalUser = root ? "dovecot" : me.username;
  for (const sub of ["run", "state", "home"]) mkdirSync(join(dir, sub), { recursive: true });
  writeFileSync(join(dir, "passwd"), users.map((u) => `${u.login}:{PLAIN}${u.password}:::::`).join("\n") + "\n", { mode: 0o644 });
  const conf = `
base_dir = ${dir}/run
state_dir = ${dir}/state
log_path = ${dir}/dovecot.log
protocols = imap
listen = 127.0.0.1
ssl = no
disable_plaintext_auth = no
auth_mechanisms = plain login
default_login_user = ${loginUser}
default_internal_user = ${internalUser}
default_internal_group = ${root ? "dovecot" : (spawnSync("id", ["-gn"], { encoding: "utf8" }).stdout.trim() || me.username)}
first_valid_uid = ${Math.min(internal.uid, 100)}
first_valid_gid = 0
mail_location = maildir:~/Maildir
mail_uid = ${internal.uid}
mail_gid = ${internal.gid}
protocol imap {
  imap_idle_notify_interval = 1 secs
${options.idle === false ? "  # A server without IDLE (RFC 2177): clients must poll.\n  imap_capability = IMAP4rev1 LITERAL+ SASL-IR LOGIN-REFERRALS ID ENABLE UIDPLUS\n" : ""}}
service imap-login {
  inet_listener imap {
    address = 127.0.0.1
    port = ${port}
  }
  inet_listener imaps {
    port = 0
  }
}
service anvil {
  chroot =
}
service imap-login {
  chroot =
}
passdb {
  driver = passwd-file
  args = scheme=PLAIN username_format=%u ${dir}/passwd
}
userdb {
  driver = static
  args = uid=${internal.uid} gid=${internal.gid} home=${dir}/home/%u
}
`;
  writeFileSync(join(dir, "dovecot.conf"), conf, { mode: 0o644 });
  if (root) chownTree(join(dir, "home"), internal.uid, internal.gid);

  // In the foreground (-F), as our child: stopping it is killing this process, whose children follow.
  const child = Bun.spawn([DOVECOT_BINARY, "-F", "-c", join(dir, "dovecot.conf")], { stdout: "ignore", stderr: "pipe" });
  const log = () => {
    try {
      return readFileSync(join(dir, "dovecot.log"), "utf8");
    } catch {
      return "";
    }
  };
  // Wait until the port accepts connections.
  const deadline = Date.now() + 10_000;
  for (;;) {
    const ok = await new Promise<boolean>((resolve) => {
      Bun.connect({
        hostname: "127.0.0.1",
        port,
        socket: {
          open(s) {
            s.end();
            resolve(true);
          },
          data() {},
          connectError() {
            resolve(false);
          },
        },
      }).catch(() => resolve(false));
    });
    if (ok) break;
    if (child.exitCode !== null || Date.now() > deadline) {
      const stderr = child.exitCode !== null ? await new Response(child.stderr).text() : "";
      child.kill("SIGKILL");
      rmSync(dir, { recursive: true, force: true });
      throw new Error(`dovecot is not listening on ${port} (exit ${child.exitCode}): ${stderr} ${log()}`);
    }
    await Bun.sleep(50);
  }
  return {
    host: "127.0.0.1",
    port,
    users,
    dir,
    log,
    async stop() {
      if (child.exitCode === null) {
        child.kill("SIGTERM");
        const timer = setTimeout(() => child.kill("SIGKILL"), 5000);
        await child.exited;
        clearTimeout(timer);
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
