import { sql, type SQL } from "drizzle-orm";
import { contacts } from "../../db/schema/contacts.ts";
import { taggings } from "../../db/schema/labels.ts";
import type { FilterOperator, FilterResource, FilterValue } from "../filters/engine.ts";

const TEXT_OPS = ["equal_to", "not_equal_to", "contains", "does_not_contain"] as const;
const DATE_OPS = ["is_greater_than", "is_less_than", "days_before"] as const;

/** A contact's labels (taggings of type Contact) as an EXISTS condition. */
function labelCondition(operator: FilterOperator, values: FilterValue[]): SQL {
  const tagged = (labels?: string[]) =>
    sql`EXISTS (SELECT 1 FROM ${taggings} WHERE ${taggings.taggable_type} = 'Contact' AND ${taggings.taggable_id} = ${contacts.id}${
      labels ? sql` AND ${taggings.label} IN (${sql.join(labels.map((l) => sql`${l}`), sql`, `)})` : sql``
    })`;
  const labels = values.map(String);
  switch (operator) {
    case "equal_to":
      return tagged(labels);
    case "not_equal_to":
      return sql`NOT ${tagged(labels)}`;
    case "is_present":
      return tagged();
    default:
      return sql`NOT ${tagged()}`;
  }
}

/**
 * What POST /contacts/filter may filter on: Chatwoot's `contacts` section of lib/filters/filter_keys.yml,
 * plus custom attributes (attribute_model "customer_attributes") in contacts.custom_attributes.
 */
export const contactFilterResource: FilterResource = {
  attributes: {
    name: { kind: "column", expr: contacts.name, type: "text", caseInsensitive: true, operators: TEXT_OPS },
    phone_number: {
      kind: "column",
      expr: contacts.phone_number,
      type: "text",
      caseInsensitive: true,
      operators: [...TEXT_OPS, "starts_with"],
      // The dashboard sends the number without its "+" (Chatwoot adds it back for equality).
      mapValue: (v, op) => ((op === "equal_to" || op === "not_equal_to") && typeof v === "string" && /^\d/.test(v) ? `+${v}` : v),
    },
    email: { kind: "column", expr: contacts.email, type: "text", caseInsensitive: true, operators: TEXT_OPS },
    identifier: { kind: "column", expr: contacts.identifier, type: "text", caseInsensitive: true, operators: ["equal_to", "not_equal_to"] },
    country_code: {
      kind: "column",
      expr: sql`coalesce(${contacts.country_code}, json_extract(${contacts.additional_attributes}, '$.country_code'))`,
      type: "text",
      caseInsensitive: true,
      operators: ["equal_to", "not_equal_to"],
    },
    city: { kind: "json", column: contacts.additional_attributes, key: "city", type: "text", operators: TEXT_OPS },
    company: {
      kind: "column",
      expr: sql`coalesce(json_extract(${contacts.additional_attributes}, '$.company_name'), json_extract(${contacts.additional_attributes}, '$.company'))`,
      type: "text",
      caseInsensitive: true,
      operators: TEXT_OPS,
    },
    labels: { kind: "custom", type: "text", operators: ["equal_to", "not_equal_to", "is_present", "is_not_present"], build: labelCondition },
    created_at: { kind: "column", expr: contacts.created_at, type: "date", operators: DATE_OPS },
    last_activity_at: { kind: "column", expr: contacts.last_activity_at, type: "date", operators: DATE_OPS },
    blocked: { kind: "column", expr: contacts.blocked, type: "boolean", operators: ["equal_to", "not_equal_to"] },
  },
  customAttributes: { column: contacts.custom_attributes },
};
