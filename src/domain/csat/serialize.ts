import type { Records } from "../conversations/records.ts";
import { agentJson } from "../conversations/serialize.ts";
import { contactModelJson } from "../contacts/serialize.ts";
import type { CsatListRow } from "./queries.ts";

/** api/v1/models/_csat_survey_response: the contact and the credited agent embedded, conversation_id = display id. */
export function csatResponseJson(records: Records, { response, conversation }: CsatListRow) {
  const contact = records.contact(response.contact_id);
  const agent = records.user(response.assigned_agent_id);
  return {
    id: response.id,
    rating: response.rating,
    feedback_message: response.feedback_message,
    account_id: response.account_id,
    message_id: response.message_id,
    ...(contact ? { contact: contactModelJson(contact) } : {}),
    conversation_id: conversation.display_id,
    ...(agent ? { assigned_agent: agentJson(agent, response.account_id) } : {}),
    created_at: Math.floor(response.created_at / 1000),
  };
}

export function csatResponsesJson(records: Records, rows: CsatListRow[]) {
  records.loadContacts(rows.map((r) => r.response.contact_id));
  records.loadUsers(rows.map((r) => r.response.assigned_agent_id));
  return rows.map((r) => csatResponseJson(records, r));
}
