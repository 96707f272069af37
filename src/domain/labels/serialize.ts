import type { LabelRow } from "./queries.ts";

/** api/v1/accounts/labels/_label.json.jbuilder */
export function labelJson(l: LabelRow) {
  return { id: l.id, title: l.title, description: l.description, color: l.color, show_on_sidebar: l.show_on_sidebar };
}
