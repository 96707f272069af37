import { asc, eq } from "drizzle-orm";
import type { Db } from "../../db/client.ts";
import { account_users, users } from "../../db/schema/accounts.ts";
import { automationFiles } from "../../db/schema/automation.ts";
import { customAttributeDefinitions } from "../../db/schema/custom-attributes.ts";
import { inboxes } from "../../db/schema/inboxes.ts";
import { labels } from "../../db/schema/labels.ts";
import { sla_policies } from "../../db/schema/sla.ts";
import { teams } from "../../db/schema/teams.ts";

/** What the dashboard's rule and macro builders offer to pick, all from the one account. */
export function builderOptions(db: Db, accountId: number) {
  return {
    agents: db
      .select({ id: users.id, name: users.name, display_name: users.display_name })
      .from(account_users)
      .innerJoin(users, eq(users.id, account_users.user_id))
      .where(eq(account_users.account_id, accountId))
      .orderBy(asc(users.name))
      .all()
      .map((u) => ({ id: u.id, name: u.display_name?.trim() || u.name })),
    teams: db.select({ id: teams.id, name: teams.name }).from(teams).where(eq(teams.account_id, accountId)).orderBy(asc(teams.name)).all(),
    labels: db.select({ title: labels.title }).from(labels).where(eq(labels.account_id, accountId)).orderBy(asc(labels.title)).all().map((l) => l.title),
    inboxes: db.select({ id: inboxes.id, name: inboxes.name }).from(inboxes).where(eq(inboxes.account_id, accountId)).orderBy(asc(inboxes.name)).all(),
    customAttributes: db
      .select({ key: customAttributeDefinitions.attribute_key, name: customAttributeDefinitions.attribute_display_name, model: customAttributeDefinitions.attribute_model })
      .from(customAttributeDefinitions)
      .where(eq(customAttributeDefinitions.account_id, accountId))
      .orderBy(asc(customAttributeDefinitions.position), asc(customAttributeDefinitions.id))
      .all(),
    files: db
      .select({ id: automationFiles.id, name: automationFiles.file_name })
      .from(automationFiles)
      .where(eq(automationFiles.account_id, accountId))
      .orderBy(asc(automationFiles.id))
      .all(),
    slaPolicies: db.select({ id: sla_policies.id, name: sla_policies.name }).from(sla_policies).where(eq(sla_policies.account_id, accountId)).orderBy(asc(sla_policies.name)).all(),
  };
}
