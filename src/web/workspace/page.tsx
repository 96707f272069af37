/** @jsxImportSource hono/jsx */
import { Hono } from "hono";
import type { AppEnv } from "../../deps.ts";
import { ConversationsPage } from "../../../views/pages/conversations/index.tsx";
import { render, shellOf } from "../context.ts";

export const workspacePageRoutes = new Hono<AppEnv>().get("/dashboard", (c) =>
  render(c, <ConversationsPage shell={shellOf(c, "conversations", "Conversations")} />),
);
