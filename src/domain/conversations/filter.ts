import { sql, type SQL } from "drizzle-orm";
import { CONVERSATION_STATUSES, conversations, PRIORITIES } from "../../db/schema/conversations.ts";
import { taggings } from "../../db/schema/labels.ts";
import { Validation } from "../errors.ts";
import type { FilterOperator, FilterResource, FilterValue } from "../filters/engine.ts";

const TEXT_OPS = ["equal_to", "not_equal_to", "contains", "does_not_contain"] as const;
const EQ_OPS = ["equal_to", "not_equal_to"] as const;
const ID_OPS = ["equal_to", "not_equal_to", "is_present", "is_not_present"] as const;
const DATE_OPS = ["is_greater_than", "is_less_than", "days_before"] as const;

function labelCondition(operator: FilterOperator, values: FilterValue[]): SQL {
  const tagged = (labels?: string[]) =>
    sql`EXISTS (SELECT 1 FROM ${taggings} WHERE ${taggings.taggable_type} = 'Conversation' AND ${taggings.taggable_id} = ${conversations.id}${
      labels ? sql` AND ${taggings.label} IN (${sql.join(labels.map((l) => sql`${l}`), sql`, `)})` : sql``
    })`;
  switch (operator) {
    case "equal_to":
      return tagged(values.map(String));
    case "not_equal_to":
      return sql`NOT ${tagged(values.map(String))}`;
    case "is_present":
      return tagged();
    default:
      return sql`NOT ${tagged()}`;
  }
}

/**
 * What POST /conversations/filter may filter on: the `conversations` section of Chatwoot's
 * lib/filters/filter_keys.yml, plus custom attributes (attribute_model "conversation_attribute").
 */
export const conversationFilterResource: FilterResource = {
  attributes: {
    status: {
      kind: "column",
      expr: conversations.status,
      type: "text",
      operators: EQ_OPS,
      mapValue: (v) => {
        if (!(CONVERSATION_STATUSES as readonly string[]).includes(String(v))) throw Validation.field("payload.values", `must be one of ${CONVERSATION_STATUSES.join(", ")}`);
        return v;
      },
    },
    assignee_id: { kind: "column", expr: conversations.assignee_id, type: "number", operators: ID_OPS },
    inbox_id: { kind: "column", expr: conversations.inbox_id, type: "number", operators: ID_OPS },
    team_id: { kind: "column", expr: conversations.team_id, type: "number", operators: ID_OPS },
    contact_id: { kind: "column", expr: conversations.contact_id, type: "number", operators: ID_OPS },
    priority: {
      kind: "column",
      expr: conversations.priority,
      type: "text",
      operators: EQ_OPS,
      mapValue: (v) => {
        const at = (PRIORITIES as readonly string[]).indexOf(String(v));
        if (at < 0) throw Validation.field("payload.values", `must be one of ${PRIORITIES.join(", ")}`);
        return at;
      },
    },
    display_id: { kind: "column", expr: conversations.display_id, type: "number", operators: TEXT_OPS },
    labels: { kind: "custom", type: "text", operators: ID_OPS, build: labelCondition },
    browser_language: { kind: "json", column: conversations.additional_attributes, key: "browser_language", type: "text", operators: EQ_OPS },
    conversation_language: { kind: "json", column: conversations.additional_attributes, key: "conversation_language", type: "text", operators: EQ_OPS },
    referer: { kind: "json", column: conversations.additional_attributes, key: "referer", type: "text", operators: TEXT_OPS },
    mail_subject: { kind: "json", column: conversations.additional_attributes, key: "mail_subject", type: "text", operators: TEXT_OPS },
    created_at: { kind: "column", expr: conversations.created_at, type: "date", operators: DATE_OPS },
    last_activity_at: { kind: "column", expr: conversations.last_activity_at, type: "date", operators: DATE_OPS },
  },
  customAttributes: { column: conversations.custom_attributes },
};
