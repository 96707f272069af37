import { copyFileSync, mkdirSync, rmSync } from "node:fs";
import { dirname } from "node:path";
import { and, eq, inArray } from "drizzle-orm";
import type { Db } from "../../db/client.ts";
import { automationFiles } from "../../db/schema/automation.ts";
import type { Tx } from "../../db/tx.ts";
import { randomToken } from "../../lib/ids.ts";
import type { AccountScope } from "../accounts/access.ts";
import type { AppDeps } from "../../deps.ts";
import { removeStored, storagePath, storeUploads, type StoredFile } from "../attachments/storage.ts";
import { Forbidden, Validation } from "../errors.ts";
import type { NewAttachment } from "../messages/commands.ts";

export type AutomationFileRow = typeof automationFiles.$inferSelect;

/**
 * POST …/automation_rules/attach_file and …/macros/attach_file: a stored upload becomes a file send_attachment can
 * name (Chatwoot answers `{blob_key, blob_id}`). Rules' files are the administrators'; anyone may attach to a macro.
 */
export function attachAutomationFile(tx: Tx, scope: AccountScope, file: StoredFile): AutomationFileRow {
  if (scope.userId == null) throw new Forbidden();
  return tx.db
    .insert(automationFiles)
    .values({
      account_id: scope.account.id,
      storage_key: file.storage_key,
      file_name: file.file_name,
      content_type: file.content_type,
      byte_size: file.byte_size,
      extension: file.extension,
      file_type: file.file_type,
      meta: file.meta,
      created_by_id: scope.userId,
      created_at: tx.now,
    })
    .returning()
    .get();
}

/** The upload of attach_file (the multipart field `attachment`): stored, recorded, and answered as JSON; a refused one leaves no file behind. */
export async function uploadAutomationFile(deps: Pick<AppDeps, "config" | "tx">, scope: AccountScope, attachment: unknown) {
  if (!(attachment instanceof File)) throw Validation.field("attachment", "can't be blank");
  const [stored] = await storeUploads(deps.config.dataDir, [attachment], deps.config.maxUploadBytes);
  try {
    return automationFileJson(deps.tx((tx) => attachAutomationFile(tx, scope, stored)));
  } catch (err) {
    await removeStored(deps.config.dataDir, [stored.storage_key]);
    throw err;
  }
}

export function automationFileJson(f: AutomationFileRow) {
  return { blob_id: f.id, blob_key: f.storage_key.replace(/^attachments\//, ""), file_name: f.file_name, content_type: f.content_type, byte_size: f.byte_size };
}

export function automationFilesByIds(db: Db, accountId: number, ids: number[]): AutomationFileRow[] {
  if (!ids.length) return [];
  return db
    .select()
    .from(automationFiles)
    .where(and(eq(automationFiles.account_id, accountId), inArray(automationFiles.id, ids)))
    .all();
}

/**
 * Copies the files into fresh storage keys for one message (a message's attachments are deleted with it; the
 * rule's or macro's own copy stays). Returns the attachments and a cleanup for when the message is not written.
 */
export function copyForMessage(dataDir: string, files: AutomationFileRow[]): { attachments: NewAttachment[]; discard: () => void } {
  const written: string[] = [];
  const discard = () => {
    for (const key of written) rmSync(storagePath(dataDir, key), { force: true });
  };
  try {
    const attachments = files.map((f): NewAttachment => {
      const key = `attachments/${randomToken(32)}`;
      const target = storagePath(dataDir, key);
      mkdirSync(dirname(target), { recursive: true });
      copyFileSync(storagePath(dataDir, f.storage_key), target);
      written.push(key);
      return {
        storage_key: key,
        file_name: f.file_name,
        content_type: f.content_type,
        byte_size: f.byte_size,
        extension: f.extension,
        file_type: f.file_type as NewAttachment["file_type"],
        meta: f.meta,
      };
    });
    return { attachments, discard };
  } catch (err) {
    discard();
    throw err;
  }
}
