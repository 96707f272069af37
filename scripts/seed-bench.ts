// The benchmark data set, written straight into SQLite: one account with an administrator and agents (each with
// an API token), API-channel inboxes with members, teams, labels, 100k contacts (and their search index), 100k
// conversations with contact sessions, labels, assignees and participants, and 1M messages.
//
//   bun scripts/seed-bench.ts DATA_DIR [--contacts N] [--conversations N] [--messages-per-conversation N] [--json FILE]
//
// DATA_DIR is a Parley data dir (parley.db is created in it; the file must not hold an account yet). Prints
// the time of each phase and a JSON summary (tokens, counts, the expectations bench/run.ts checks through the
// API), or writes that JSON to FILE with --json. `npm run bench` runs it as a child process (seed timing).
//
// Rows carry exactly the columns and derived values the domain writes (src/domain/**): display_id counted per
// account in creation order, uuid, contact_inboxes with a UUID source_id and a pubsub_token, last_activity_at =
// the last message, waiting_since / first_reply_created_at as addMessage and changeConversation keep them,
// cached_label_list in step with taggings, the assignee as a participant, access tokens with their SHA-256
// digest, activity messages worded as Chatwoot's. The contact search index fills itself through the
// triggers of migrations/0001_contact_search.sql; the message search index is built by the server's own catch-up.
// Not seeded: notifications and mentions (nothing listed here
// reads them) and snooze jobs (snoozed conversations are snoozed until the next reply, snoozed_until null, which needs no job).
// Everything random comes from a seeded PRNG except tokens and UUIDs (the app's own generators).
import type { Database, Statement } from "bun:sqlite";
import { join } from "node:path";
import { closeDatabase, openDatabase } from "../src/db/client.ts";
import { migrate } from "../src/db/migrate.ts";
import { catchUpMessageSearch } from "../src/domain/search/index-maintenance.ts";
import { ACTIVITY, fill } from "../src/domain/conversations/activity.ts";
import { hashPassword, sha256Hex } from "../src/lib/crypto.ts";
import { randomToken, uuid } from "../src/lib/ids.ts";

export type SeedOptions = {
  contacts: number;
  conversations: number;
  /** Average; each conversation gets between avg-7 and avg+7 messages, activity messages included. */
  messagesPerConversation: number;
  inboxes: number;
  agents: number;
  teams: number;
  /** Chatty progress on stdout. */
  verbose: boolean;
};

export const DEFAULT_SEED: SeedOptions = {
  contacts: 100_000,
  conversations: 100_000,
  messagesPerConversation: 10,
  inboxes: 10,
  agents: 20,
  teams: 3,
  verbose: true,
};

export const BENCH_PASSWORD = "Bench-passw0rd!";
const STATUSES = ["open", "resolved", "pending", "snoozed"] as const;
type Status = (typeof STATUSES)[number];
type StatusCounts = Record<Status | "all", { all: number; unassigned: number; mine: number }>;

export type SeedResult = {
  dataDir: string;
  seconds: number;
  phases: Record<string, number>;
  accountId: number;
  admin: { id: number; email: string; token: string };
  /** An agent (built-in role) who is a member of some inboxes and of one team. */
  agent: { id: number; email: string; token: string; inboxIds: number[]; teamIds: number[] };
  counts: { users: number; inboxes: number; contacts: number; conversations: number; messages: number; contactInboxes: number; taggings: number; participants: number };
  /** Expected /conversations meta per status filter, for the administrator and for the agent (their own "mine"). */
  expected: { admin: StatusCounts; agent: StatusCounts };
  /** Open conversations (display ids) spread over the inboxes, assigned to agents: where the message-create load goes. */
  openConversations: number[];
  /** A conversation to check through the API: its display id and message ids (oldest first). */
  sample: { displayId: number; messageIds: number[]; contactId: number };
  /** A contact to find through search: id and email. */
  sampleContact: { id: number; email: string; phone: string };
  /** Contact-search queries of the bench mix. */
  searchQueries: { label: string; q: string }[];
};

// ---- deterministic randomness ---------------------------------------------------------------------------------------

function mulberry32(seed: number) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const FIRST = (
  "Olivia Liam Emma Noah Amelia Oliver Ava Elijah Sophia Lucas Isabella Levi Mia Mateo Evelyn Asher Harper James Luna Leo " +
  "Camila Benjamin Gianna Henry Elizabeth Theodore Eleanor Jack Ella Sebastian Abigail Aiden Sofia Michael Avery Samuel Scarlett Wyatt " +
  "Emily Ezra Aria Hudson Penelope Daniel Chloe Ethan Layla Owen Mila Maverick Nora Jacob Hazel Julian Madison Alexander Ellie Kai " +
  "Lily Luca Nova Jackson Isla Mason Grace Logan Violet Gabriel Aurora Isaac Riley Grayson Zoey Carter Willow John Emilia Jayden " +
  "Stella Dylan Zoe Anthony Victoria Lincoln Hannah Thomas Addison Santiago Leah Josiah Lucy Jaxon Eliana Caleb Ivy Christopher"
).split(" ");
const LAST = (
  "Smith Johnson Williams Brown Jones Garcia Miller Davis Rodriguez Martinez Hernandez Lopez Gonzalez Wilson Anderson Thomas Taylor " +
  "Moore Jackson Martin Lee Perez Thompson White Harris Sanchez Clark Ramirez Lewis Robinson Walker Young Allen King Wright Scott " +
  "Torres Nguyen Hill Flores Green Adams Nelson Baker Hall Rivera Campbell Mitchell Carter Roberts Gomez Phillips Evans Turner Diaz " +
  "Parker Cruz Edwards Collins Reyes Stewart Morris Morales Murphy Cook Rogers Gutierrez Ortiz Morgan Cooper Peterson Bailey Reed " +
  "Kelly Howard Ramos Kim Cox Ward Richardson Watson Brooks Chavez Wood James Bennett Gray Mendoza Ruiz Hughes Price Alvarez Castillo"
).split(" ");
const COMPANIES = [
  "Acme", "Globex", "Initech", "Umbrella", "Hooli", "Vandelay", "Stark", "Wayne", "Wonka", "Tyrell", "Cyberdyne", "Soylent", "Massive Dynamic",
  "Aperture", "Gringotts", "Pied Piper", "Oscorp", "Nakatomi", "Virtucon", "Monarch", "Dunder Mifflin", "Sterling Cooper", "Prestige",
  "Blue Sun", "Northwind", "Contoso", "Fabrikam", "Tailspin", "Litware", "Adventure Works",
];
const CITIES = "Berlin Paris London Lisbon Madrid Rome Vienna Prague Warsaw Dublin Oslo Helsinki Austin Denver Seattle Toronto Chicago Boston".split(" ");
const MAIL_DOMAINS = ["gmail.com", "yahoo.com", "outlook.com", "hotmail.com", "proton.me", "icloud.com"];
const AREA_CODES = ["212", "213", "305", "312", "415", "503", "512", "617", "646", "702", "206", "303", "404", "469", "602", "713", "718", "801", "858", "917"];
const LABELS = ["billing", "bug", "feature-request", "vip", "refund", "onboarding", "churn-risk", "priority-support"];
const TEAMS = ["support", "sales", "billing", "success", "escalations"];
const INCOMING = [
  "Hi, I can't log in to my account since this morning.",
  "Hello! Is there a way to export my invoices as CSV?",
  "My order #%n still shows as pending, can you check?",
  "The app crashes when I upload a photo from my phone.",
  "Can I change the email address on my account?",
  "I was charged twice this month, please help.",
  "Thanks, that worked! One more question though.",
  "Still not working for me, I tried clearing the cache.",
  "Could you send me the link again? It expired.",
  "Do you offer a discount for non-profits?",
];
const OUTGOING = [
  "Thanks for reaching out! Let me look into this for you.",
  "I've reset the session on our side, could you try again now?",
  "You can export invoices from Settings → Billing → Export.",
  "I've refunded the duplicate charge, it should appear within 5 days.",
  "Could you tell me which version of the app you are using?",
  "Here is a fresh link, it is valid for 24 hours.",
  "Happy to help! Is there anything else I can do for you?",
  "I've escalated this to our engineering team and will update you.",
];
const NOTES = ["Customer is on the annual plan.", "Checked the logs: the payment provider timed out.", "Possible duplicate of an older ticket.", "VIP: reply within the hour."];

// ---- the seed -------------------------------------------------------------------------------------------------------

export async function seedBench(dataDir: string, options: Partial<SeedOptions> = {}): Promise<SeedResult> {
  const o = { ...DEFAULT_SEED, ...options };
  const log = (msg: string) => o.verbose && console.log(`seed: ${msg}`);
  const t0 = performance.now();
  const phases: Record<string, number> = {};
  let mark = t0;
  const phase = (name: string) => {
    const now = performance.now();
    phases[name] = Math.round(now - mark) / 1000;
    mark = now;
    log(`${name} ${phases[name]!.toFixed(1)} s`);
  };

  const db = openDatabase(join(dataDir, "parley.db"));
  const sqlite = db.$client;
  migrate(sqlite);
  if (sqlite.query("SELECT 1 FROM accounts LIMIT 1").get()) throw new Error(`${dataDir}/parley.db already holds an account: seed an empty data dir`);
  // Connection-level settings for the bulk load only (nothing persists in the file but the data).
  sqlite.exec("PRAGMA synchronous = OFF");
  sqlite.exec("PRAGMA cache_size = -262144");
  sqlite.exec("PRAGMA temp_store = MEMORY");
  const rnd = mulberry32(20261125);
  const pick = <T>(list: readonly T[]): T => list[Math.floor(rnd() * list.length)]!;
  const int = (lo: number, hi: number) => lo + Math.floor(rnd() * (hi - lo + 1));
  const now = Date.now();
  const tx = <T>(fn: () => T): T => sqlite.transaction(fn)();
  const passwordHash = await hashPassword(BENCH_PASSWORD);
  phase("schema");

  // Account, users (createUser + issueAccessToken), memberships, inboxes (createInbox with the API channel).
  type User = { id: number; name: string; token: string; email: string };
  const setup = tx(() => {
    const accountId = Number(
      sqlite
        .query(
          "INSERT INTO accounts (name, locale, domain, support_email, status, auto_resolve_duration, settings, feature_flags, limits, custom_attributes, created_at, updated_at) VALUES (?, 'en', NULL, NULL, 'active', NULL, '{}', '{}', '{}', '{}', ?, ?)",
        )
        .run("Bench", now, now).lastInsertRowid,
    );
    const insertUser = sqlite.query(
      "INSERT INTO users (name, display_name, email, encrypted_password, avatar_url, message_signature, confirmed_at, pubsub_token, password_changed_at, type, ui_settings, custom_attributes, created_at, updated_at) VALUES (?, NULL, ?, ?, NULL, NULL, ?, ?, ?, NULL, '{}', '{}', ?, ?)",
    );
    const insertToken = sqlite.query(
      "INSERT INTO access_tokens (owner_type, owner_id, token, token_digest, created_at, updated_at) VALUES ('User', ?, ?, ?, ?, ?)",
    );
    const insertMember = sqlite.query(
      "INSERT INTO account_users (account_id, user_id, role, availability, auto_offline, inviter_id, custom_role_id, active_at, created_at, updated_at) VALUES (?, ?, ?, ?, 1, ?, NULL, NULL, ?, ?)",
    );
    const user = (name: string, email: string, role: "administrator" | "agent", availability: string, inviter: number | null): User => {
      const id = Number(insertUser.run(name, email, passwordHash, now, randomToken(24), now, now, now).lastInsertRowid);
      const token = randomToken(24);
      insertToken.run(id, token, sha256Hex(token), now, now);
      insertMember.run(accountId, id, role, availability, inviter, now, now);
      return { id, name, token, email };
    };
    const admin = user("Bench Admin", "bench@example.com", "administrator", "online", null);
    const agents: User[] = [];
    for (let i = 0; i < o.agents; i++) {
      const name = `${FIRST[(i * 7) % FIRST.length]} ${LAST[(i * 11) % LAST.length]}`;
      agents.push(user(name, `agent${i + 1}@example.com`, "agent", ["online", "busy", "offline"][i % 3]!, admin.id));
    }

    const insertChannel = sqlite.query(
      "INSERT INTO channels (account_id, channel_type, identifier, hmac_token, hmac_mandatory, webhook_url, secret, config, additional_attributes, created_at, updated_at) VALUES (?, 'Channel::Api', ?, ?, 0, NULL, ?, '{}', '{}', ?, ?)",
    );
    const insertInbox = sqlite.query(
      "INSERT INTO inboxes (account_id, channel_id, name, avatar_url, enable_auto_assignment, auto_assignment_config, greeting_enabled, greeting_message, enable_email_collect, csat_survey_enabled, allow_messages_after_resolved, lock_to_single_conversation, working_hours_enabled, out_of_office_message, timezone, business_name, sender_name_type, last_assigned_user_id, created_at, updated_at) VALUES (?, ?, ?, NULL, 1, '{}', 0, NULL, 1, 0, 1, 0, 0, NULL, 'UTC', NULL, 'friendly', NULL, ?, ?)",
    );
    const inboxIds: number[] = [];
    for (let i = 0; i < o.inboxes; i++) {
      const channelId = Number(insertChannel.run(accountId, randomToken(24), randomToken(24), randomToken(24), now, now).lastInsertRowid);
      inboxIds.push(Number(insertInbox.run(accountId, channelId, `Support ${i + 1}`, now, now).lastInsertRowid));
    }
    // Agent i works inboxes i, i+1, i+2 (mod the number of inboxes) and team i mod teams.
    const insertInboxMember = sqlite.query("INSERT INTO inbox_members (inbox_id, user_id, created_at) VALUES (?, ?, ?)");
    const membersOf = new Map<number, number[]>(inboxIds.map((id) => [id, []]));
    agents.forEach((a, i) => {
      for (let k = 0; k < Math.min(3, inboxIds.length); k++) {
        const inbox = inboxIds[(i + k) % inboxIds.length]!;
        insertInboxMember.run(inbox, a.id, now);
        membersOf.get(inbox)!.push(a.id);
      }
    });
    const insertTeam = sqlite.query("INSERT INTO teams (account_id, name, description, allow_auto_assign, created_at, updated_at) VALUES (?, ?, NULL, 1, ?, ?)");
    const insertTeamMember = sqlite.query("INSERT INTO team_members (team_id, user_id, created_at) VALUES (?, ?, ?)");
    const teamIds: number[] = [];
    for (let i = 0; i < o.teams; i++) teamIds.push(Number(insertTeam.run(accountId, TEAMS[i % TEAMS.length]! + (i >= TEAMS.length ? `-${i}` : ""), now, now).lastInsertRowid));
    const teamOf = new Map<number, number>();
    agents.forEach((a, i) => {
      if (!teamIds.length) return;
      const team = teamIds[i % teamIds.length]!;
      insertTeamMember.run(team, a.id, now);
      teamOf.set(a.id, team);
    });
    const insertLabel = sqlite.query(
      "INSERT INTO labels (account_id, title, description, color, show_on_sidebar, created_at, updated_at) VALUES (?, ?, NULL, '#1f93ff', 1, ?, ?)",
    );
    for (const l of LABELS) insertLabel.run(accountId, l, now, now);
    return { accountId, admin, agents, inboxIds, membersOf, teamIds, teamOf };
  });
  const { accountId, admin, agents, inboxIds, membersOf, teamIds, teamOf } = setup;
  const benchAgent = agents[0]!;
  const agentInboxes = new Set(inboxIds.filter((id) => membersOf.get(id)!.includes(benchAgent.id)));
  const agentTeams = new Set(teamOf.has(benchAgent.id) ? [teamOf.get(benchAgent.id)!] : []);
  const nameOf = new Map<number, string>([[admin.id, admin.name], ...agents.map((a) => [a.id, a.name] as [number, string])]);
  phase("account, users, inboxes");

  // Contacts (createContact: email lower-cased, E.164 phone, blanks as NULL).
  const contactIds = new Int32Array(o.contacts);
  const emails: (string | null)[] = new Array(o.contacts);
  const phones: (string | null)[] = new Array(o.contacts);
  tx(() => {
    const insert = sqlite.query(
      "INSERT INTO contacts (account_id, name, middle_name, last_name, email, phone_number, identifier, avatar_url, location, country_code, contact_type, blocked, additional_attributes, custom_attributes, last_activity_at, created_at, updated_at) VALUES (?, ?, NULL, NULL, ?, ?, ?, NULL, NULL, NULL, 'visitor', 0, ?, ?, NULL, ?, ?)",
    );
    const span = 365 * 86400_000;
    for (let i = 0; i < o.contacts; i++) {
      const first = pick(FIRST);
      const last = pick(LAST);
      const company = rnd() < 0.5 ? pick(COMPANIES) : null;
      const email =
        rnd() < 0.9
          ? `${first}.${last}${i}@${company && rnd() < 0.6 ? `${company.toLowerCase().replace(/ /g, "")}.com` : pick(MAIL_DOMAINS)}`.toLowerCase()
          : null;
      // A unique 7-digit number per contact (7919 is coprime with 10^7).
      const phone = rnd() < 0.7 ? `+1${pick(AREA_CODES)}${String((i * 7919 + 1234567) % 10_000_000).padStart(7, "0")}` : null;
      const identifier = rnd() < 0.2 ? `cust-${100000 + i}` : null;
      const additional = company ? JSON.stringify({ company_name: company, city: pick(CITIES) }) : "{}";
      const custom = rnd() < 0.3 ? JSON.stringify({ plan: pick(["free", "pro", "enterprise"]) }) : "{}";
      const created = now - span + Math.floor((i / o.contacts) * span);
      contactIds[i] = Number(insert.run(accountId, `${first} ${last}`, email, phone, identifier, additional, custom, created, created).lastInsertRowid);
      emails[i] = email;
      phones[i] = phone;
    }
  });
  phase(`${o.contacts} contacts (with their search index)`);

  // The conversations' timelines first (their derived columns depend on the messages), as typed arrays.
  const n = o.conversations;
  const avg = o.messagesPerConversation;
  const spread = Math.min(7, avg - 1);
  const convStatus = new Uint8Array(n);
  const convInbox = new Int32Array(n);
  const convAssignee = new Int32Array(n); // 0 = none
  const convTeam = new Int32Array(n); // 0 = none
  const convCreated = new Float64Array(n);
  const msgStart = new Int32Array(n + 1);
  let total = 0;
  for (let i = 0; i < n; i++) {
    msgStart[i] = total;
    total += avg - spread + Math.floor(rnd() * (2 * spread + 1));
  }
  msgStart[n] = total;
  const msgKind = new Uint8Array(total); // 0 incoming, 1 outgoing, 2 activity, 3 private note
  const msgSender = new Int32Array(total);
  const msgAt = new Float64Array(total);
  const msgActivity: (string | undefined)[] = new Array(total);
  const expected = { admin: emptyCounts(), agent: emptyCounts() };
  const spanConv = 180 * 86400_000;
  for (let i = 0; i < n; i++) {
    const r = rnd();
    const status: Status = r < 0.35 ? "open" : r < 0.8 ? "resolved" : r < 0.92 ? "pending" : "snoozed";
    convStatus[i] = STATUSES.indexOf(status);
    const inbox = inboxIds[i % 7 === 0 ? int(0, inboxIds.length - 1) : (i * 3) % inboxIds.length]!;
    convInbox[i] = inbox;
    const members = membersOf.get(inbox)!;
    const assignee = rnd() < 0.7 ? (rnd() < 0.1 || !members.length ? admin.id : pick(members)) : 0;
    convAssignee[i] = assignee;
    convTeam[i] = teamIds.length && rnd() < 0.3 ? pick(teamIds) : 0;
    // Created in display_id order over the last 180 days; the messages follow within hours.
    const created = now - spanConv - 3 * 86400_000 + Math.floor((i / n) * spanConv) + int(0, 60_000);
    convCreated[i] = created;
    const first = msgStart[i]!;
    const count = msgStart[i + 1]! - first;
    let at = created;
    const by = assignee || admin.id;
    const closing = status === "resolved" || status === "snoozed" ? 1 : 0;
    for (let k = 0; k < count; k++) {
      const m = first + k;
      msgAt[m] = at;
      if (k === 0) {
        msgKind[m] = 0;
      } else if (k === 1 && assignee && count > 2 + closing) {
        msgKind[m] = 2;
        msgActivity[m] =
          assignee === admin.id
            ? fill(ACTIVITY.assignee.self_assigned, { user_name: admin.name })
            : fill(ACTIVITY.assignee.assigned, { assignee_name: nameOf.get(assignee)!, user_name: admin.name });
      } else if (k === count - 1 && closing) {
        msgKind[m] = 2;
        msgActivity[m] = fill(ACTIVITY.status[status], { user_name: nameOf.get(by)! });
      } else {
        const q = rnd();
        msgKind[m] = q < 0.06 ? 3 : (k & 1) === 0 ? 0 : 1;
      }
      msgSender[m] = msgKind[m] === 0 ? i : msgKind[m] === 2 ? 0 : by;
      at += int(30_000, 3 * 3600_000);
    }
    const visible = agentInboxes.has(inbox) || (convTeam[i] !== 0 && agentTeams.has(convTeam[i]!));
    count1(expected.admin, status, assignee, admin.id);
    if (visible) count1(expected.agent, status, assignee, benchAgent.id);
  }
  phase(`${total} message timelines`);

  // Contact sessions and conversations (createConversation → findOrCreateContactInbox, then addMessage's derived columns).
  const convIds = new Int32Array(n);
  const labelCount = { taggings: 0, participants: 0 };
  tx(() => {
    const insertCi = sqlite.query(
      "INSERT INTO contact_inboxes (contact_id, inbox_id, source_id, hmac_verified, pubsub_token, created_at, updated_at) VALUES (?, ?, ?, 0, ?, ?, ?)",
    );
    const insertConv = sqlite.query(
      "INSERT INTO conversations (account_id, display_id, uuid, inbox_id, contact_id, contact_inbox_id, assignee_id, assignee_agent_bot_id, team_id, status, priority, snoozed_until, identifier, additional_attributes, custom_attributes, cached_label_list, agent_last_seen_at, assignee_last_seen_at, contact_last_seen_at, first_reply_created_at, waiting_since, last_activity_at, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, NULL, ?, ?, ?, NULL, NULL, '{}', '{}', ?, ?, ?, NULL, ?, ?, ?, ?, ?)",
    );
    const insertTagging = sqlite.query("INSERT INTO taggings (account_id, taggable_type, taggable_id, label, created_at) VALUES (?, 'Conversation', ?, ?, ?)");
    const insertParticipant = sqlite.query("INSERT INTO conversation_participants (account_id, conversation_id, user_id, created_at) VALUES (?, ?, ?, ?)");
    for (let i = 0; i < n; i++) {
      const contactId = contactIds[i % o.contacts]!;
      const created = convCreated[i]!;
      const ciId = Number(insertCi.run(contactId, convInbox[i]!, uuid(), randomToken(24), created, created).lastInsertRowid);
      // Replay addMessage / changeConversation over the timeline.
      let waiting: number | null = null;
      let firstReply: number | null = null;
      const first = msgStart[i]!;
      const last = msgStart[i + 1]! - 1;
      for (let m = first; m <= last; m++) {
        if (msgKind[m] === 0) waiting ??= msgAt[m]!;
        else if (msgKind[m] === 1) {
          firstReply ??= msgAt[m]!;
          waiting = null;
        }
      }
      const status = STATUSES[convStatus[i]!]!;
      if (status === "resolved") waiting = null;
      const lastActivity = msgAt[last]!;
      const seen = status === "resolved" || rnd() < 0.5 ? lastActivity : null;
      const assignee = convAssignee[i] || null;
      const labels: string[] = [];
      const nLabels = rnd() < 0.5 ? 0 : int(1, 3);
      while (labels.length < nLabels) {
        const l = pick(LABELS);
        if (!labels.includes(l)) labels.push(l);
      }
      const priority = rnd() < 0.6 ? null : int(0, 3);
      const id = Number(
        insertConv.run(
          accountId,
          i + 1,
          uuid(),
          convInbox[i]!,
          contactId,
          ciId,
          assignee,
          convTeam[i] || null,
          status,
          priority,
          labels.join(","),
          seen,
          assignee && seen ? seen : null,
          firstReply,
          waiting,
          lastActivity,
          created,
          lastActivity,
        ).lastInsertRowid,
      );
      convIds[i] = id;
      for (const l of labels) insertTagging.run(accountId, id, l, created);
      labelCount.taggings += labels.length;
      if (assignee) {
        insertParticipant.run(accountId, id, assignee, created);
        labelCount.participants++;
      }
    }
  });
  phase(`${n} conversations`);

  // Messages in global time order (ids grow with time, as in a live database), in a few large transactions.
  const order = new Int32Array(total);
  for (let m = 0; m < total; m++) order[m] = m;
  order.sort((a, b) => msgAt[a]! - msgAt[b]! || a - b);
  const convOfMsg = new Int32Array(total);
  for (let i = 0; i < n; i++) for (let m = msgStart[i]!; m < msgStart[i + 1]!; m++) convOfMsg[m] = i;
  phase("message order");
  const msgIds = new Int32Array(total);
  const insertMsg: Statement = sqlite.query(
    "INSERT INTO messages (account_id, inbox_id, conversation_id, message_type, content, content_type, content_attributes, private, status, source_id, sender_type, sender_id, external_source_ids, additional_attributes, processed_message_content, created_at, updated_at) VALUES (?, ?, ?, ?, ?, 'text', '{}', ?, 'sent', NULL, ?, ?, '{}', '{}', NULL, ?, ?)",
  );
  const CHUNK = 250_000;
  for (let start = 0; start < total; start += CHUNK) {
    tx(() => {
      for (let j = start; j < Math.min(total, start + CHUNK); j++) {
        const m = order[j]!;
        const i = convOfMsg[m]!;
        const kind = msgKind[m]!;
        const at = msgAt[m]!;
        let content: string;
        let type: number;
        let senderType: string | null;
        let senderId: number | null;
        if (kind === 0) {
          content = INCOMING[(i + m) % INCOMING.length]!.replace("%n", String(10_000 + i));
          type = 0;
          senderType = "Contact";
          senderId = contactIds[i % o.contacts]!;
        } else if (kind === 2) {
          content = msgActivity[m]!;
          type = 2;
          senderType = null;
          senderId = null;
        } else {
          content = kind === 3 ? NOTES[(i + m) % NOTES.length]! : OUTGOING[(i + m) % OUTGOING.length]!;
          type = 1;
          senderType = "User";
          senderId = msgSender[m]!;
        }
        msgIds[m] = Number(insertMsg.run(accountId, convInbox[i]!, convIds[i]!, type, content, kind === 3 ? 1 : 0, senderType, senderId, at, at).lastInsertRowid);
      }
    });
  }
  phase(`${total} messages`);

  // The message search index, as the server keeps it (src/domain/search/index-maintenance.ts).
  catchUpMessageSearch(db);
  phase("message search index");

  // The searches of the bench mix (bench/run.ts reads their match counts from the API).
  const sampleIdx = Math.floor(o.contacts / 3);
  const sampleEmail = emails.slice(sampleIdx).find((e): e is string => !!e)!;
  const samplePhoneIdx = phones.findIndex((p, k) => k >= sampleIdx && !!p);
  const searchQueries = [
    { label: "name fragment", q: "livia" },
    { label: "surname fragment", q: "ernand" },
    { label: "full name", q: "emma garcia" },
    { label: "email fragment", q: sampleEmail.split("@")[0]!.slice(0, -2) },
    { label: "email domain", q: "@initech" },
    { label: "phone fragment", q: phones[samplePhoneIdx]!.slice(2, 9) },
  ];

  // Open conversations assigned to an agent, across inboxes: the message-create targets.
  const candidates: number[] = [];
  for (let i = 0; i < n; i++) if (STATUSES[convStatus[i]!] === "open" && convAssignee[i] && convAssignee[i] !== admin.id) candidates.push(i + 1);
  const openConversations = Array.from({ length: Math.min(100, candidates.length) }, (_, k) => candidates[Math.floor((k * candidates.length) / Math.min(100, candidates.length))]!);
  const sampleConv = Math.floor(n / 2);
  const sample = {
    displayId: sampleConv + 1,
    messageIds: Array.from(msgIds.subarray(msgStart[sampleConv]!, msgStart[sampleConv + 1]!)),
    contactId: contactIds[sampleConv % o.contacts]!,
  };

  sqlite.exec("PRAGMA wal_checkpoint(TRUNCATE)");
  closeDatabase(db);
  phase("checkpoint");
  const counts = {
    users: 1 + agents.length,
    inboxes: inboxIds.length,
    contacts: o.contacts,
    conversations: n,
    messages: total,
    contactInboxes: n,
    taggings: labelCount.taggings,
    participants: labelCount.participants,
  };
  return {
    dataDir,
    seconds: Math.round(performance.now() - t0) / 1000,
    phases,
    accountId,
    admin: { id: admin.id, email: admin.email, token: admin.token },
    agent: { id: benchAgent.id, email: benchAgent.email, token: benchAgent.token, inboxIds: [...agentInboxes], teamIds: [...agentTeams] },
    counts,
    expected,
    openConversations,
    sample,
    sampleContact: { id: contactIds[emails.indexOf(sampleEmail)]!, email: sampleEmail, phone: phones[samplePhoneIdx]! },
    searchQueries,
  };
}

function emptyCounts(): StatusCounts {
  const zero = () => ({ all: 0, unassigned: 0, mine: 0 });
  return { open: zero(), resolved: zero(), pending: zero(), snoozed: zero(), all: zero() };
}

function count1(c: StatusCounts, status: Status, assignee: number, me: number) {
  for (const key of [status, "all"] as const) {
    c[key].all++;
    if (!assignee) c[key].unassigned++;
    if (assignee === me) c[key].mine++;
  }
}

/** For callers holding a Database (tests): the row count of a table. */
export function rowCount(sqlite: Database, table: string): number {
  return (sqlite.query(`SELECT count(*) AS n FROM ${table}`).get() as { n: number }).n;
}

if (import.meta.main) {
  const args = process.argv.slice(2);
  const dataDir = args.find((a, k) => !a.startsWith("--") && !args[k - 1]?.startsWith("--"));
  if (!dataDir) {
    console.error("usage: bun scripts/seed-bench.ts DATA_DIR [--contacts N] [--conversations N] [--messages-per-conversation N] [--json FILE]");
    process.exit(2);
  }
  const flag = (name: string) => {
    const k = args.indexOf(`--${name}`);
    const v = k >= 0 ? Number(args[k + 1]) : NaN;
    return Number.isInteger(v) && v > 0 ? v : undefined;
  };
  const options: Partial<SeedOptions> = {};
  if (flag("contacts")) options.contacts = flag("contacts");
  if (flag("conversations")) options.conversations = flag("conversations");
  if (flag("messages-per-conversation")) options.messagesPerConversation = flag("messages-per-conversation");
  const result = await seedBench(dataDir, options);
  // --json FILE: the whole result (tokens, expectations) for bench/run.ts; stdout gets a summary either way.
  const jsonIndex = args.indexOf("--json");
  if (jsonIndex >= 0 && args[jsonIndex + 1]) await Bun.write(args[jsonIndex + 1]!, JSON.stringify(result, null, 2) + "\n");
  else console.log(JSON.stringify({ ...result, sample: { ...result.sample, messageIds: result.sample.messageIds.length } }, null, 2));
  console.log(
    `seeded ${result.counts.contacts} contacts, ${result.counts.conversations} conversations, ${result.counts.messages} messages in ${result.seconds.toFixed(1)} s`,
  );
}
