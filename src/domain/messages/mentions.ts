// Chatwoot's mention markup in private notes: [@Name](mention://user/<id>/<name>) and
// [@Team](mention://team/<id>/<name>) (lib/regex_helper.rb, Messages::MentionService).

const USER_MENTION = /\(mention:\/\/user\/(\d{1,15})\/(.+?)\)/g;
const TEAM_MENTION = /\(mention:\/\/team\/(\d{1,15})\/(.+?)\)/g;
const MARKUP = /\[(@[^\]]*)\]\(mention:\/\/(?:user|team)\/\d{1,15}\/.+?\)/g;

export function mentionedIds(content: string): { userIds: number[]; teamIds: number[] } {
  const userIds = new Set<number>();
  const teamIds = new Set<number>();
  for (const m of content.matchAll(USER_MENTION)) userIds.add(Number(m[1]));
  for (const m of content.matchAll(TEAM_MENTION)) teamIds.add(Number(m[1]));
  return { userIds: [...userIds], teamIds: [...teamIds] };
}

/** The content with mention markup shown as plain "@Name" (notification bodies). */
export function renderMentions(content: string): string {
  return content.replace(MARKUP, "$1");
}
