/** @jsxImportSource hono/jsx */
import { Hono } from "hono";
import type { AppEnv } from "../../deps.ts";
import type { WebContext } from "../context.ts";

/** The middle pane for one conversation (or the "pick a conversation" state when id is null). */
export function conversationPane(_c: WebContext, conversationId: number | null) {
  return <section id="conversation-pane" class="conversation-pane" aria-label="Conversation" data-conversation-id={conversationId ?? ""}></section>;
}

export const conversationRoutes = new Hono<AppEnv>();
