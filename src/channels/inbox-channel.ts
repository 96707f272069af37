import type { Db } from "../db/client.ts";
import { preparedFor } from "../db/prepared.ts";
import { cachedRead } from "../db/read-cache.ts";

const channelTypeOfInbox = preparedFor((db) =>
  db.$client.prepare<{ channel_type: string }, [number]>("SELECT c.channel_type FROM inboxes i JOIN channels c ON c.id = i.channel_id WHERE i.id = ?1"),
);

/**
 * An inbox's channel type (Channel::Api, Channel::Whatsapp …), or null for an unknown inbox. From the read cache: every
 * message create asks (is there a sender? a 24-hour window?), and inboxes and channels change rarely (config_version).
 */
export function inboxChannelType(db: Db, inboxId: number): string | null {
  return cachedRead(db, `inbox-channel-type:${inboxId}`, () => channelTypeOfInbox(db).get(inboxId)?.channel_type);
}
