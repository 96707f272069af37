// /cable: the ActionCable protocol (actioncable-v1-json) on Bun's native WebSocket, with Chatwoot's RoomChannel.
//   server → client: {"type":"welcome"}, {"type":"ping","message":<unix s>} every 3 s,
//                    {"identifier":…,"type":"confirm_subscription"|"reject_subscription"},
//                    {"identifier":…,"message":{"event":…,"data":…}}, {"type":"disconnect","reason":…,"reconnect":…}
//   client → server: {"command":"subscribe"|"unsubscribe"|"message","identifier":"<json>","data":"<json>"}
// A user subscribes with {channel:"RoomChannel", pubsub_token, account_id, user_id} (token, user and account
// membership must all match); a contact with {channel:"RoomChannel", pubsub_token} (its contact_inbox token).
import type { Server, WebSocketHandler } from "bun";
import type { Statement } from "bun:sqlite";
import type { AppDeps } from "../deps.ts";
import { Hub, type CableSocket, type SocketData, type Subscription } from "./hub.ts";
import type { RealtimeBroadcaster } from "./listener.ts";
import { presencePayload, type PresenceTracker } from "./presence.ts";
import { presenceChanged } from "../domain/assignment/triggers.ts";

export const CABLE_PATH = "/cable";
export const CABLE_PROTOCOL = "actioncable-v1-json";
export const PING_INTERVAL_MS = 3_000;
/** ActionCable commands are tiny; anything bigger is refused by the socket layer (close 1009). */
export const MAX_CABLE_MESSAGE_BYTES = 16 * 1024;
/** A socket may hold this many subscriptions and make this many failed attempts before it is closed. */
export const MAX_SUBSCRIPTIONS = 20;
export const MAX_REJECTIONS = 20;

const PING_TOPIC = "cable:ping";

type Identity =
  | { kind: "user"; accountId: number; userId: number }
  | { kind: "contact"; accountId: number; contactId: number; contactInboxId: number };

export class Cable {
  private server: Server<SocketData> | null = null;
  private timer: ReturnType<typeof setInterval> | null = null;
  private sockets = new Set<CableSocket>();
  private rejections = new WeakMap<CableSocket, number>();
  private readonly findUser: Statement;
  private readonly findContact: Statement;

  constructor(
    private readonly deps: AppDeps,
    readonly hub: Hub,
    readonly presence: PresenceTracker,
    private readonly broadcaster: RealtimeBroadcaster,
  ) {
    const c = deps.db.$client;
    this.findUser = c.prepare(
      `SELECT u.id FROM users u
       JOIN account_users au ON au.user_id = u.id AND au.account_id = ?3
       JOIN accounts a ON a.id = au.account_id AND a.status = 'active'
       WHERE u.pubsub_token = ?1 AND u.id = ?2`,
    );
    this.findContact = c.prepare(
      `SELECT ci.id AS contact_inbox_id, ci.contact_id, c.account_id FROM contact_inboxes ci
       JOIN contacts c ON c.id = ci.contact_id
       WHERE ci.pubsub_token = ?1`,
    );
  }

  /** Open sockets (for the bench and health). */
  get connections(): number {
    return this.sockets.size;
  }

  /**
   * Upgrades a /cable WebSocket request; returns null for every other request (Hono handles it), undefined
   * once upgraded, or a 400 for a /cable request that is not a valid WebSocket handshake.
   */
  fetch(req: Request, server: Server<SocketData>): Response | undefined | null {
    const upgrade = req.headers.get("upgrade");
    if (!upgrade || upgrade.toLowerCase() !== "websocket") return null;
    const q = req.url.indexOf("?");
    const path = new URL(q < 0 ? req.url : req.url.slice(0, q)).pathname;
    if (path !== CABLE_PATH) return null;
    const offered = (req.headers.get("sec-websocket-protocol") ?? "").split(",").map((p) => p.trim());
    const protocol = offered.includes(CABLE_PROTOCOL) ? CABLE_PROTOCOL : null;
    const data: SocketData = { subs: new Map(), protocol };
    const headers = protocol ? { "Sec-WebSocket-Protocol": protocol } : undefined;
    if (server.upgrade(req, { data, headers })) return undefined;
    return Response.json({ message: "Expected a WebSocket handshake" }, { status: 400 });
  }

  /** Bun's websocket handlers for Bun.serve. */
  readonly websocket: WebSocketHandler<SocketData> = {
    maxPayloadLength: MAX_CABLE_MESSAGE_BYTES,
    backpressureLimit: 1024 * 1024,
    closeOnBackpressureLimit: true,
    open: (ws) => {
      this.sockets.add(ws);
      ws.subscribe(PING_TOPIC);
      ws.send('{"type":"welcome"}');
    },
    message: (ws, raw) => {
      try {
        this.receive(ws, raw);
      } catch (err) {
        this.deps.log.error("cable message failed", { err });
        this.disconnect(ws, "server_error", true);
      }
    },
    close: (ws) => {
      this.sockets.delete(ws);
      for (const sub of [...ws.data.subs.values()]) this.hub.remove(sub);
    },
  };

  /** Starts the 3-second pings (and presence expiry) on the running server. */
  attach(server: Server<SocketData>): void {
    this.server = server;
    if (this.timer) return;
    this.timer = setInterval(() => this.tick(), PING_INTERVAL_MS);
  }

  tick(): void {
    this.server?.publish(PING_TOPIC, `{"type":"ping","message":${Math.floor(Date.now() / 1000)}}`);
    const gone: [number, number][] = [];
    for (const [accountId, usersChanged] of this.presence.expire((a, u) => gone.push([a, u]))) this.broadcaster.presenceChanged(accountId, usersChanged);
    for (const [accountId, userId] of gone) this.assignmentPresence(accountId, userId, false);
  }

  /** Closes every socket (server shutdown: clients reconnect to the next process). */
  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    this.broadcaster.stop();
    this.closeAll();
  }

  /** Asks every client to reconnect (ActionCable's server_restart). */
  closeAll(): void {
    for (const ws of [...this.sockets]) this.disconnect(ws, "server_restart", true);
  }

  private receive(ws: CableSocket, raw: string | Buffer): void {
    if (typeof raw !== "string") return this.disconnect(ws, "invalid_request", false);
    let msg: unknown;
    try {
      msg = JSON.parse(raw);
    } catch {
      return this.disconnect(ws, "invalid_request", false);
    }
    if (!msg || typeof msg !== "object") return this.disconnect(ws, "invalid_request", false);
    const { command, identifier, data } = msg as { command?: unknown; identifier?: unknown; data?: unknown };
    if (typeof identifier !== "string") return this.disconnect(ws, "invalid_request", false);
    switch (command) {
      case "subscribe":
        return this.subscribe(ws, identifier);
      case "unsubscribe": {
        const sub = ws.data.subs.get(identifier);
        if (sub) this.hub.remove(sub);
        return;
      }
      case "message":
        return this.perform(ws, identifier, data);
      default:
        return this.disconnect(ws, "invalid_request", false);
    }
  }

  private subscribe(ws: CableSocket, identifier: string): void {
    const existing = ws.data.subs.get(identifier);
    // The client's subscription guarantor may repeat a subscribe: confirm it again.
    if (existing) return this.transmit(ws, identifier, "confirm_subscription");
    const identity = ws.data.subs.size < MAX_SUBSCRIPTIONS ? this.authenticate(identifier) : null;
    if (!identity) {
      this.transmit(ws, identifier, "reject_subscription");
      const n = (this.rejections.get(ws) ?? 0) + 1;
      this.rejections.set(ws, n);
      if (n >= MAX_REJECTIONS) this.disconnect(ws, "unauthorized", false);
      return;
    }
    const identifierJson = JSON.stringify(identifier);
    const sub: Subscription =
      identity.kind === "user"
        ? { kind: "user", ws, identifier, identifierJson, accountId: identity.accountId, userId: identity.userId }
        : { kind: "contact", ws, identifier, identifierJson, accountId: identity.accountId, contactId: identity.contactId, contactInboxId: identity.contactInboxId };
    ws.data.subs.set(identifier, sub);
    this.hub.add(sub);
    this.transmit(ws, identifier, "confirm_subscription");
    this.updatePresence(sub);
  }

  /** RoomChannel's subscription check: the token with its user and account, or a contact_inbox token. */
  authenticate(identifier: string): Identity | null {
    let params: unknown;
    try {
      params = JSON.parse(identifier);
    } catch {
      return null;
    }
    if (!params || typeof params !== "object" || Array.isArray(params)) return null;
    const p = params as Record<string, unknown>;
    if (p.channel !== "RoomChannel") return null;
    const token = p.pubsub_token;
    if (typeof token !== "string" || !token || token.length > 256) return null;
    if (p.user_id != null && p.user_id !== "") {
      const userId = toId(p.user_id);
      const accountId = toId(p.account_id);
      if (userId == null || accountId == null) return null;
      const row = this.findUser.get(token, userId, accountId) as { id: number } | null;
      return row ? { kind: "user", accountId, userId } : null;
    }
    const row = this.findContact.get(token) as { contact_inbox_id: number; contact_id: number; account_id: number } | null;
    return row ? { kind: "contact", accountId: row.account_id, contactId: row.contact_id, contactInboxId: row.contact_inbox_id } : null;
  }

  private perform(ws: CableSocket, identifier: string, data: unknown): void {
    const sub = ws.data.subs.get(identifier);
    if (!sub) return;
    let action: unknown;
    try {
      action = typeof data === "string" ? (JSON.parse(data) as { action?: unknown }).action : undefined;
    } catch {
      return this.disconnect(ws, "invalid_request", false);
    }
    if (action === "update_presence") this.updatePresence(sub);
  }

  /** Chatwoot's update_subscription + broadcast_presence: mark online, tell the subscriber who is online. */
  private updatePresence(sub: Subscription): void {
    const isUser = sub.kind === "user";
    const arrived = isUser ? this.presence.touchUser(sub.accountId, sub.userId) : this.presence.touchContact(sub.accountId, sub.contactId);
    const data = presencePayload(this.deps.db, this.presence, sub.accountId, isUser);
    this.hub.send(sub, JSON.stringify({ event: "presence.update", data }));
    // Someone came online: the rest of the account hears it too (coalesced).
    if (arrived) this.broadcaster.presenceChanged(sub.accountId, isUser);
    if (arrived && isUser) this.assignmentPresence(sub.accountId, sub.userId, true);
  }

  /** Auto-assignment hears an auto-offline agent's presence arrive or lapse (waiting conversations, hand-over). */
  private assignmentPresence(accountId: number, userId: number, present: boolean): void {
    try {
      presenceChanged(this.deps, accountId, userId, present);
    } catch (err) {
      this.deps.log.error("assignment presence change failed", { err });
    }
  }

  private transmit(ws: CableSocket, identifier: string, type: "confirm_subscription" | "reject_subscription"): void {
    ws.send(`{"identifier":${JSON.stringify(identifier)},"type":"${type}"}`);
  }

  private disconnect(ws: CableSocket, reason: string, reconnect: boolean): void {
    ws.send(JSON.stringify({ type: "disconnect", reason, reconnect }));
    ws.close(reconnect ? 1001 : 1008, reason);
  }
}

function toId(v: unknown): number | null {
  const n = typeof v === "number" ? v : typeof v === "string" && /^\d{1,15}$/.test(v) ? Number(v) : NaN;
  return Number.isSafeInteger(n) && n > 0 ? n : null;
}
