import type { Db } from "../../db/client.ts";
import type { AttributeDisplayType, AttributeModel } from "../../db/schema/custom-attributes.ts";
import { contactFilterResource } from "../contacts/filter.ts";
import { conversationFilterResource } from "../conversations/filter.ts";
import type { FilterOperator, FilterResource, ValueType } from "../filters/engine.ts";
import { definitionsByKey } from "./definitions.ts";

const PRESENCE = ["is_present", "is_not_present"] as const;

/** The filter engine's value type of each display type. */
export const VALUE_TYPE: Record<AttributeDisplayType, ValueType> = {
  text: "text",
  link: "text",
  list: "text",
  number: "number",
  currency: "number",
  percent: "number",
  date: "date",
  checkbox: "boolean",
};

/** The operators a defined custom attribute offers in filters, by display type. */
export const OPERATORS_BY_TYPE: Record<AttributeDisplayType, readonly FilterOperator[]> = {
  text: ["equal_to", "not_equal_to", "contains", "does_not_contain", "starts_with", ...PRESENCE],
  link: ["equal_to", "not_equal_to", "contains", "does_not_contain", ...PRESENCE],
  list: ["equal_to", "not_equal_to", ...PRESENCE],
  number: ["equal_to", "not_equal_to", "is_greater_than", "is_less_than", ...PRESENCE],
  currency: ["equal_to", "not_equal_to", "is_greater_than", "is_less_than", ...PRESENCE],
  percent: ["equal_to", "not_equal_to", "is_greater_than", "is_less_than", ...PRESENCE],
  date: ["equal_to", "not_equal_to", "is_greater_than", "is_less_than", "days_before", ...PRESENCE],
  checkbox: ["equal_to", "not_equal_to"],
};

export type FilterKind = "conversation" | "contact";
export const MODEL_OF: Record<FilterKind, AttributeModel> = { conversation: "conversation_attribute", contact: "contact_attribute" };

/**
 * The filter resource of conversations or contacts with the account's custom attribute definitions: a defined
 * key compares by its type and accepts only its type's operators; undefined keys stay free-form.
 */
export function filterResourceFor(db: Db, accountId: number, kind: FilterKind): FilterResource {
  const base = kind === "conversation" ? conversationFilterResource : contactFilterResource;
  const defs = definitionsByKey(db, accountId, MODEL_OF[kind]);
  if (!defs.size || !base.customAttributes) return base;
  return {
    ...base,
    customAttributes: {
      column: base.customAttributes.column,
      typeOf: (key) => {
        const d = defs.get(key);
        return d ? VALUE_TYPE[d.attribute_display_type] : undefined;
      },
      operatorsOf: (key) => {
        const d = defs.get(key);
        return d ? OPERATORS_BY_TYPE[d.attribute_display_type] : undefined;
      },
    },
  };
}
