/** @jsxImportSource hono/jsx */
import { Hono } from "hono";
import type { AppEnv } from "../deps.ts";
import { ContactsPage } from "../../views/pages/contacts/index.tsx";
import { render, shellOf } from "./context.ts";

export const contactsRoutes = new Hono<AppEnv>().get("/", (c) => render(c, <ContactsPage shell={shellOf(c, "contacts", "Contacts")} />));
