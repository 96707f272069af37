// The activity messages Chatwoot writes into a conversation (config/locales/en.yml, conversations.activity).

export const ACTIVITY = {
  status: {
    resolved: "Conversation was marked resolved by %{user_name}",
    open: "Conversation was reopened by %{user_name}",
    pending: "Conversation was marked as pending by %{user_name}",
    snoozed: "Conversation was snoozed by %{user_name}",
  },
  assignee: {
    self_assigned: "%{user_name} self-assigned this conversation",
    assigned: "Assigned to %{assignee_name} by %{user_name}",
    removed: "Conversation unassigned by %{user_name}",
  },
  team: {
    assigned: "Assigned to %{team_name} by %{user_name}",
    assigned_with_assignee: "Assigned to %{assignee_name} via %{team_name} by %{user_name}",
    removed: "Unassigned from %{team_name} by %{user_name}",
  },
  labels: {
    added: "%{user_name} added %{labels}",
    removed: "%{user_name} removed %{labels}",
  },
  muted: "%{user_name} has muted the conversation",
  unmuted: "%{user_name} has unmuted the conversation",
  priority: {
    added: "%{user_name} set the priority to %{new_priority}",
    updated: "%{user_name} changed the priority from %{old_priority} to %{new_priority}",
    removed: "%{user_name} removed the priority",
  },
} as const;

export function fill(template: string, values: Record<string, string>): string {
  return template.replace(/%\{(\w+)\}/g, (_, key: string) => values[key] ?? "");
}
