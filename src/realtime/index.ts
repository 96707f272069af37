// The realtime parts of one running server, created once per AppDeps: the hub of subscriptions, the presence
// tracker, the broadcaster (live bus listeners, wired from events/wire.ts) and the /cable endpoint (server.ts).
import type { AppDeps } from "../deps.ts";
import { Cable } from "./cable.ts";
import { Hub } from "./hub.ts";
import { RealtimeBroadcaster } from "./listener.ts";
import { agentOnlineInInbox, presenceTracker, type PresenceTracker } from "./presence.ts";

export type Realtime = {
  hub: Hub;
  cable: Cable;
  broadcaster: RealtimeBroadcaster;
  presence: PresenceTracker;
  /** Whether an administrator or a member of the inbox is online now (the email-collect hook asks). */
  agentOnline: (accountId: number, inboxId: number) => boolean;
};

const instances = new WeakMap<AppDeps, Realtime>();

export function realtimeFor(deps: AppDeps): Realtime {
  let r = instances.get(deps);
  if (!r) {
    const hub = new Hub();
    const presence = presenceTracker(deps.db, deps.clock);
    const broadcaster = new RealtimeBroadcaster(deps, hub, presence);
    r = {
      hub,
      broadcaster,
      presence,
      cable: new Cable(deps, hub, presence, broadcaster),
      agentOnline: (accountId, inboxId) => agentOnlineInInbox(deps.db, presence, accountId, inboxId),
    };
    instances.set(deps, r);
  }
  return r;
}
