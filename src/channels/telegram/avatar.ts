import { eq } from "drizzle-orm";
import { contacts } from "../../db/schema/contacts.ts";
import type { Tx } from "../../db/tx.ts";
import type { AppDeps } from "../../deps.ts";
import { updateSelfContact } from "../../domain/contacts/commands.ts";
import { getInbox } from "../../domain/inboxes/queries.ts";
import { saveAvatar } from "../../domain/users/avatars.ts";
import { enqueue } from "../../jobs/queue.ts";
import { callBot, downloadFile, TelegramError } from "./api.ts";
import { botToken } from "./config.ts";

/** Fetches a Telegram user's profile photo as their contact's avatar (Chatwoot's update_contact_avatar). */
export const TELEGRAM_AVATAR_JOB = "telegram.avatar";

type Photos = { total_count: number; photos: { file_id: string; width: number; height: number }[][] };

/** Once per contact: a contact without an avatar gets their Telegram profile photo in the background. */
export function enqueueTelegramAvatar(tx: Tx, input: { account_id: number; inbox_id: number; contact_id: number; user_id: number }): void {
  enqueue(tx, { kind: TELEGRAM_AVATAR_JOB, payload: input, idempotencyKey: `${TELEGRAM_AVATAR_JOB}:${input.contact_id}`, maxAttempts: 3 });
}

export async function fetchTelegramAvatar(deps: AppDeps, p: { account_id: number; inbox_id: number; contact_id: number; user_id: number }): Promise<void> {
  const contact = deps.db.select().from(contacts).where(eq(contacts.id, p.contact_id)).get();
  if (!contact || contact.account_id !== p.account_id || contact.avatar_url) return;
  let where;
  try {
    where = getInbox(deps.db, p.account_id, p.inbox_id);
  } catch {
    return;
  }
  const token = botToken(deps.config.secretKey, where.channel);
  let photos: Photos;
  try {
    photos = await callBot<Photos>(deps, token, "getUserProfilePhotos", { user_id: p.user_id, limit: 1 });
  } catch (err) {
    if (err instanceof TelegramError && err.permanent) return;
    throw err;
  }
  const sizes = photos.photos[0];
  if (!sizes?.length) return;
  const largest = sizes.reduce((a, b) => (b.width * b.height > a.width * a.height ? b : a));
  const file = await downloadFile(deps, token, largest.file_id);
  if (!file) return;
  let url: string;
  try {
    url = await saveAvatar(deps.config, new File([file.bytes as Uint8Array<ArrayBuffer>], "avatar.jpg"));
  } catch {
    return; // not an image we keep as an avatar
  }
  deps.tx((tx) => {
    const current = tx.db.select().from(contacts).where(eq(contacts.id, p.contact_id)).get();
    if (current && !current.avatar_url) updateSelfContact(tx, current, { avatar_url: url });
  });
}
