/** @jsxImportSource hono/jsx */
import { Hono } from "hono";
import type { AppEnv } from "../../deps.ts";
import type { WebContext } from "../context.ts";

/** The right pane: contact and conversation details of the open conversation (empty when id is null). */
export function sidebarPane(_c: WebContext, conversationId: number | null) {
  return <aside id="sidebar-pane" class="sidebar-pane" aria-label="Conversation details" data-conversation-id={conversationId ?? ""}></aside>;
}

export const sidebarRoutes = new Hono<AppEnv>();
