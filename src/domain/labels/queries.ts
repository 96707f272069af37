import { and, asc, eq } from "drizzle-orm";
import type { Db } from "../../db/client.ts";
import { labels } from "../../db/schema/labels.ts";
import { NotFound } from "../errors.ts";

export type LabelRow = typeof labels.$inferSelect;

export function listLabels(db: Db, accountId: number): LabelRow[] {
  return db.select().from(labels).where(eq(labels.account_id, accountId)).orderBy(asc(labels.title)).all();
}

export function getLabel(db: Db, accountId: number, id: number): LabelRow {
  const label = db
    .select()
    .from(labels)
    .where(and(eq(labels.id, id), eq(labels.account_id, accountId)))
    .get();
  if (!label) throw new NotFound("Label");
  return label;
}
