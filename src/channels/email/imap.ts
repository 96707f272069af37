// Reading email inboxes over IMAP (imapflow): one connection per inbox with IMAP turned on. Where the server
// announces IDLE (RFC 2177) the connection stays open in IDLE and new mail is fetched as soon as the server reports
// EXISTS; otherwise the mailbox is polled every PARLEY_IMAP_POLL_SECONDS. Messages are fetched by UID (RFC 3501):
// the last UID seen and the mailbox's UIDVALIDITY are kept on the channel, so a restart resumes where it stopped and
// a recreated mailbox is read again from the start of the past day (dedup by Message-ID makes re-reading harmless).
import { eq } from "drizzle-orm";
import type { ImapFlow } from "imapflow";
import { channels } from "../../db/schema/inboxes.ts";
import type { AppDeps } from "../../deps.ts";
import type { InboxRecord } from "../../domain/conversations/records.ts";
import { inboxesOfKind } from "../framework/inbound.ts";
import { openSecret } from "../framework/secrets.ts";
import { recordConnection, type ConnectionStatus } from "../framework/status.ts";
import { EMAIL_CHANNEL_TYPE, receiveEmail } from "./inbound.ts";
import { emailConfigOf, type EmailConfig } from "./settings.ts";

/** On a mailbox never read before (or whose UIDVALIDITY changed), mail of the past day is taken in. */
const FIRST_READ_WINDOW_MS = 24 * 3600_000;
/** At most this many messages per fetch (the rest come with the next one). */
const BATCH = 50;

export type ImapState = { uid_validity: string; last_uid: number };

export type ImapLogin = { host: string; port: number; secure: boolean; user: string; pass: string };

export function imapLoginOf(secretKey: string, c: EmailConfig): ImapLogin {
  return { host: c.imap_address, port: c.imap_port, secure: c.imap_enable_ssl, user: c.imap_login || c.email, pass: c.imap_password ? openSecret(secretKey, c.imap_password) : "" };
}

/** imapflow is loaded on first use: only installations with an IMAP inbox pay for it (tens of MB). */
export async function imapClient(login: ImapLogin): Promise<ImapFlow> {
  const { ImapFlow } = await import("imapflow");
  return new ImapFlow({
    host: login.host,
    port: login.port,
    secure: login.secure,
    auth: { user: login.user, pass: login.pass },
    logger: false,
    connectionTimeout: 15_000,
    greetingTimeout: 15_000,
    socketTimeout: 5 * 60_000,
    // Re-issue IDLE every 5 minutes (servers drop IDLE after 30 minutes at the earliest, RFC 2177).
    maxIdleTime: 5 * 60_000,
    // Enter IDLE half a second after the connection goes quiet (imapflow waits 15 s by default).
    autoIdleDelay: 500,
  });
}

/** Logs in and out once: the connect step checks the settings with this. Returns the server's error text or null. */
export async function checkImapLogin(login: ImapLogin): Promise<string | null> {
  const client = await imapClient(login);
  client.on("error", () => {});
  try {
    await client.connect();
    await client.logout();
    return null;
  } catch (err) {
    const e = err as { authenticationFailed?: boolean; responseText?: string; message?: string; code?: string };
    client.close();
    if (e.authenticationFailed) return `login failed${e.responseText ? `: ${e.responseText}` : ""}`;
    return e.responseText || e.code || e.message || String(err);
  }
}

function describe(err: unknown): string {
  const e = err as { authenticationFailed?: boolean; responseText?: string; message?: string; code?: string };
  if (e?.authenticationFailed) return `IMAP login failed${e.responseText ? `: ${e.responseText}` : ""}`;
  return `IMAP: ${e?.responseText || e?.message || e?.code || String(err)}`;
}

/** One inbox's mailbox reader: connects, catches up, then waits in IDLE (or polls), reconnecting after failures. */
export class ImapWatcher {
  private client: ImapFlow | null = null;
  private stopped = false;
  private wake: (() => void) | null = null;
  private fetching: Promise<void> | null = null;
  private again = false;
  private status: ConnectionStatus | null = null;
  readonly done: Promise<void>;
  /** True while the current connection waits in IDLE rather than polling (tests look at it). */
  idle = false;

  constructor(
    private deps: AppDeps,
    private where: InboxRecord,
    private login: ImapLogin,
    private pollMs: number,
  ) {
    this.done = this.run();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.wake?.();
    const c = this.client;
    if (c) {
      try {
        await Promise.race([c.logout(), Bun.sleep(2000)]);
      } catch {
        /* closing anyway */
      }
      c.close();
    }
    await this.done;
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.wake = null;
        resolve();
      }, ms);
      this.wake = () => {
        clearTimeout(timer);
        this.wake = null;
        resolve();
      };
    });
  }

  private report(status: ConnectionStatus, error: string | null) {
    if (this.status === status && status === "connected") return;
    this.status = status;
    try {
      this.deps.tx((tx) => recordConnection(tx, this.where.channel.id, status, error));
    } catch (err) {
      this.deps.log.warn("email: could not record the IMAP status", { inbox_id: this.where.inbox.id, err });
    }
  }

  private async run(): Promise<void> {
    let failures = 0;
    while (!this.stopped) {
      const client = await imapClient(this.login);
      this.client = client;
      let closed = false;
      client.on("error", (err) => this.deps.log.warn("email: IMAP connection error", { inbox_id: this.where.inbox.id, err: String(err) }));
      client.on("close", () => {
        closed = true;
        this.wake?.();
      });
      try {
        await client.connect();
        // Selected without holding a mailbox lock: imapflow then enters IDLE by itself whenever the connection is
        // quiet (a held lock would keep it out of IDLE), and our fetches interrupt it.
        await client.mailboxOpen("INBOX");
        this.report("connected", null);
        failures = 0;
        this.idle = client.capabilities.has("IDLE");
        client.on("exists", () => void this.fetch(client));
        await this.fetch(client);
        // With IDLE, "exists" wakes us as mail arrives (and a slow fetch catches anything missed); without it, poll.
        while (!this.stopped && !closed) {
          await this.sleep(this.idle ? this.pollMs * 5 : this.pollMs);
          if (!this.stopped && !closed) await this.fetch(client);
        }
      } catch (err) {
        if (this.stopped) break;
        failures++;
        this.report("error", describe(err));
        this.deps.log.warn("email: IMAP failed", { inbox_id: this.where.inbox.id, err: describe(err) });
      } finally {
        this.idle = false;
        if (!closed) {
          try {
            client.close();
          } catch {
            /* already closed */
          }
        }
        this.client = null;
      }
      if (!this.stopped) await this.sleep(Math.min(this.pollMs * Math.max(1, failures), 5 * 60_000));
    }
  }

  /** Fetches what arrived since the last UID (serialized: a fetch asked for during one runs right after it). */
  private fetch(client: ImapFlow): Promise<void> {
    if (this.fetching) {
      this.again = true;
      return this.fetching;
    }
    this.fetching = (async () => {
      try {
        do {
          this.again = false;
          await this.fetchOnce(client);
        } while (this.again && !this.stopped);
      } catch (err) {
        this.deps.log.warn("email: IMAP fetch failed", { inbox_id: this.where.inbox.id, err: describe(err) });
        this.report("error", describe(err));
      } finally {
        this.fetching = null;
      }
    })();
    return this.fetching;
  }

  private state(): ImapState | null {
    const row = this.deps.db.select({ a: channels.additional_attributes }).from(channels).where(eq(channels.id, this.where.channel.id)).get();
    const s = row?.a.imap as ImapState | undefined;
    return s && typeof s.last_uid === "number" ? s : null;
  }

  private saveState(s: ImapState) {
    this.deps.tx((tx) => {
      const row = tx.db.select({ a: channels.additional_attributes }).from(channels).where(eq(channels.id, this.where.channel.id)).get();
      if (!row) return;
      tx.db
        .update(channels)
        .set({ additional_attributes: { ...row.a, imap: s } })
        .where(eq(channels.id, this.where.channel.id))
        .run();
    });
  }

  private async fetchOnce(client: ImapFlow): Promise<void> {
    const mailbox = client.mailbox;
    if (!mailbox) return;
    const validity = String(mailbox.uidValidity);
    const saved = this.state();
    const known = saved && saved.uid_validity === validity ? saved : null;
    let uids: number[];
    if (known) {
      uids = ((await client.search({ uid: `${known.last_uid + 1}:*` }, { uid: true })) || []).filter((u) => u > known.last_uid);
    } else {
      uids = (await client.search({ since: new Date(Date.now() - FIRST_READ_WINDOW_MS) }, { uid: true })) || [];
    }
    uids.sort((a, b) => a - b);
    let last = known?.last_uid ?? 0;
    for (let i = 0; i < uids.length && !this.stopped; i += BATCH) {
      const batch = uids.slice(i, i + BATCH);
      const messages = await client.fetchAll(batch.join(","), { uid: true, source: true }, { uid: true });
      messages.sort((a, b) => a.uid - b.uid);
      for (const m of messages) {
        if (m.source) {
          try {
            const outcome = await receiveEmail(this.deps, { inbox: this.where }, m.source);
            if (outcome.status === "ignored") this.deps.log.info("email: message ignored", { inbox_id: this.where.inbox.id, uid: m.uid, reason: outcome.reason });
          } catch (err) {
            // A message we cannot take in must not block the ones after it; it is logged and skipped.
            this.deps.log.error("email: could not take in a message", { inbox_id: this.where.inbox.id, uid: m.uid, err });
          }
        }
        last = Math.max(last, m.uid);
      }
      this.saveState({ uid_validity: validity, last_uid: last });
    }
    if (!uids.length && !known) this.saveState({ uid_validity: validity, last_uid: Math.max(0, (mailbox.uidNext ?? 1) - 1) });
  }
}

/** The IMAP login settings that, when changed, restart an inbox's watcher. */
function watcherKey(c: EmailConfig): string {
  return JSON.stringify([c.imap_address, c.imap_port, c.imap_enable_ssl, c.imap_login, c.imap_password, c.email]);
}

export type ImapSupervisor = { sync(): void; watcher(inboxId: number): ImapWatcher | undefined; stop(): Promise<void> };

/** Keeps one watcher per IMAP-enabled email inbox, following inboxes as they are created, changed and deleted. */
export function superviseImap(deps: AppDeps, everyMs: number): ImapSupervisor {
  const watchers = new Map<number, { key: string; watcher: ImapWatcher }>();
  let stopped = false;
  const sync = () => {
    if (stopped) return;
    const wanted = new Map<number, { where: InboxRecord; config: EmailConfig }>();
    for (const where of inboxesOfKind(deps.db, EMAIL_CHANNEL_TYPE)) {
      const config = emailConfigOf(where.channel);
      if (config.imap_enabled && config.imap_address) wanted.set(where.inbox.id, { where, config });
    }
    for (const [inboxId, w] of watchers) {
      const next = wanted.get(inboxId);
      if (!next || watcherKey(next.config) !== w.key) {
        watchers.delete(inboxId);
        void w.watcher.stop();
      }
    }
    for (const [inboxId, { where, config }] of wanted) {
      if (watchers.has(inboxId)) continue;
      let login: ImapLogin;
      try {
        login = imapLoginOf(deps.config.secretKey, config);
      } catch (err) {
        deps.log.error("email: cannot open the IMAP password (was the secret key changed?)", { inbox_id: inboxId, err });
        continue;
      }
      watchers.set(inboxId, { key: watcherKey(config), watcher: new ImapWatcher(deps, where, login, deps.config.imapPollMs) });
    }
  };
  sync();
  const timer = setInterval(sync, everyMs);
  return {
    sync,
    watcher: (inboxId) => watchers.get(inboxId)?.watcher,
    async stop() {
      stopped = true;
      clearInterval(timer);
      await Promise.allSettled([...watchers.values()].map((w) => w.watcher.stop()));
      watchers.clear();
    },
  };
}
