import type { TeamView } from "./queries.ts";

/** Chatwoot's api/v1/models/_team partial; is_member is about the user making the request. */
export function serializeTeam({ team, isMember }: TeamView) {
  return {
    id: team.id,
    name: team.name,
    description: team.description,
    allow_auto_assign: team.allow_auto_assign,
    account_id: team.account_id,
    is_member: isMember,
  };
}
