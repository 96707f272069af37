/** @jsxImportSource hono/jsx */
// Dashboard → Contacts: list (search, filters, sort, export), contact page (attributes, edit, notes, labels,
// conversations, merge, delete) and CSV import — thin routes over src/domain/contacts.
import { Hono } from "hono";
import { z } from "zod";
import type { AppEnv } from "../deps.ts";
import { resolveAccountScope, type AccountScope } from "../domain/accounts/access.ts";
import { removeStored } from "../domain/attachments/storage.ts";
import { browseContacts, isFiltered, type ContactBrowse } from "../domain/contacts/browse.ts";
import { createNote, deleteContact, deleteNote, removeCustomAttributes, setContactLabels, updateContact } from "../domain/contacts/commands.ts";
import { contactExportChunks } from "../domain/contacts/export.ts";
import { contactImportErrorsOf, getContactImport, listContactImports, MAX_IMPORT_BYTES, startContactImport, type ContactImportRow } from "../domain/contacts/import.ts";
import { mergeContacts } from "../domain/contacts/merge.ts";
import { canDeleteContacts, canWriteContacts } from "../domain/contacts/policy.ts";
import { CONTACTS_PER_PAGE, contactConversations, getVisibleContact, labelsOf, listNotes, searchContacts } from "../domain/contacts/queries.ts";
import type { ContactRow } from "../domain/contacts/serialize.ts";
import { NotFound, Validation } from "../domain/errors.ts";
import { inboxesByIds } from "../domain/inboxes/queries.ts";
import { listLabels } from "../domain/labels/queries.ts";
import { findUser } from "../domain/users/queries.ts";
import { availableName } from "../domain/users/serialize.ts";
import type { Notice } from "../../views/components/form.tsx";
import { accountPath } from "../../views/layouts/app.tsx";
import { ContactResults, ContactsPage, SORT_OPTIONS, type ContactListItem, type ContactListState } from "../../views/pages/contacts/index.tsx";
import { ImportPage, ImportProgress, type ImportSummary } from "../../views/pages/contacts/import.tsx";
import {
  ContactLabels,
  ContactNotes,
  ContactPage,
  formValuesOf,
  MergeCandidates,
  SOCIAL_NETWORKS,
  type ContactDetail,
  type ContactFormValues,
  type MergeCandidate,
  type NoteItem,
} from "../../views/pages/contacts/show.tsx";
import { currentSessionId, currentUser, fragment, isHtmx, render, shellOf, type WebContext } from "./context.ts";
import { fieldErrorsOf, readForm, text } from "./forms.ts";
import { typedAttributesOf } from "./settings/custom-attributes.tsx";
import { getCustomFilter } from "../domain/custom-filters/filters.ts";
import { savedViewChips } from "./custom-views.tsx";

const NOTICES: Record<string, Notice> = {
  saved: { kind: "success", title: "Contact saved" },
  merged: { kind: "success", title: "Contacts merged", text: "The duplicate's conversations, notes and labels are now on this contact." },
  deleted: { kind: "success", title: "Contact deleted" },
  note_added: { kind: "success", title: "Note added" },
  note_deleted: { kind: "success", title: "Note deleted" },
  labels: { kind: "success", title: "Labels updated" },
};

const accountIdOf = (c: WebContext) => c.var.membership.account_id;
const base = (c: WebContext, path = "") => accountPath(accountIdOf(c), `contacts${path}`);
const scopeOf = (c: WebContext): AccountScope =>
  resolveAccountScope(c.var.deps.db, { type: "user", user: currentUser(c)!, sessionId: currentSessionId(c) }, accountIdOf(c));
const idOf = (raw: string | undefined, what: string) => {
  if (!raw || !/^\d{1,15}$/.test(raw)) throw new NotFound(what);
  return Number(raw);
};
const str = (v: unknown): string => (typeof v === "string" ? v : typeof v === "number" || typeof v === "boolean" ? String(v) : v == null ? "" : JSON.stringify(v));

// ---- list ------------------------------------------------------------------------------------------------

const SORTS = SORT_OPTIONS.map((o) => o.value);

function listState(c: WebContext): ContactListState {
  const q = (k: string, max = 200) => (c.req.query(k) ?? "").trim().slice(0, max);
  const sort = q("sort", 40);
  const page = Number(q("page", 7));
  return {
    q: q("q"),
    has_email: q("has_email") === "1",
    has_phone: q("has_phone") === "1",
    label: q("label", 255),
    created_since: q("created_since", 10),
    country: q("country", 60),
    sort: SORTS.includes(sort) ? sort : SORTS[0],
    page: Number.isInteger(page) && page >= 1 && page <= 100_000 ? page : 1,
    custom_view: /^\d{1,15}$/.test(q("custom_view", 16)) ? Number(q("custom_view", 16)) : null,
  };
}

/** The browse with the saved view's payload, when one is open (the viewer's own contact view, else 404). */
function browseWithView(c: WebContext, s: ContactListState): ContactBrowse {
  const b = browseOf(s);
  if (s.custom_view == null) return b;
  const view = getCustomFilter(c.var.deps.db, scopeOf(c), s.custom_view);
  if (view.filter_type !== "contact") throw new NotFound("Custom filter");
  return { ...b, payload: (view.query as { payload?: unknown }).payload };
}

function browseOf(s: ContactListState): ContactBrowse {
  return { q: s.q, hasEmail: s.has_email, hasPhone: s.has_phone, label: s.label, createdSince: s.created_since, country: s.country };
}

function location(r: ContactRow): string {
  const a = r.additional_attributes;
  return [str(a.city), str(a.country ?? r.country_code ?? a.country_code)].filter(Boolean).join(", ");
}

function listItem(r: ContactRow): ContactListItem {
  const a = r.additional_attributes;
  return {
    id: r.id,
    name: r.name,
    email: r.email,
    phone: r.phone_number,
    company: str(a.company_name ?? a.company),
    location: location(r),
    avatarUrl: r.avatar_url,
    lastActivityAt: r.last_activity_at,
    createdAt: r.created_at,
  };
}

function listPage(c: WebContext) {
  const scope = scopeOf(c);
  const state = listState(c);
  const now = c.var.deps.clock.now();
  let result = { rows: [] as ContactRow[], count: 0 };
  let error: string | null = null;
  try {
    result = browseContacts(c.var.deps.db, scope, browseWithView(c, state), { page: state.page, sort: state.sort, now });
  } catch (err) {
    if (!(err instanceof Validation)) throw err;
    error = err.errors.map((e) => `${e.field.replace(/_/g, " ")} ${e.message}`).join("; ");
  }
  const props = {
    accountId: accountIdOf(c),
    state,
    rows: result.rows.map(listItem),
    count: result.count,
    perPage: CONTACTS_PER_PAGE,
    now,
    filtered: isFiltered(browseOf(state)) || state.custom_view != null,
    admin: scope.role === "administrator",
    error,
  };
  if (isHtmx(c) && c.req.header("hx-target") === "div#contacts-results") return fragment(c, <ContactResults {...props} />);
  const labels = listLabels(c.var.deps.db, accountIdOf(c)).map((l) => l.title);
  return render(c, <ContactsPage {...props} shell={shellOf(c, "contacts", "Contacts")} labels={labels} notice={NOTICES[c.req.query("notice") ?? ""]} savedViews={savedViewChips(c, "contact")} />, error ? 422 : 200);
}

// ---- contact page ----------------------------------------------------------------------------------------

function detailOf(r: ContactRow): ContactDetail {
  const a = r.additional_attributes;
  const socialRaw = (a.social_profiles && typeof a.social_profiles === "object" ? a.social_profiles : {}) as Record<string, unknown>;
  const social: ContactDetail["social"] = {};
  for (const n of SOCIAL_NETWORKS) if (str(socialRaw[n])) social[n] = str(socialRaw[n]);
  const shown = new Set(["company_name", "company", "city", "country", "country_code", "description", "social_profiles"]);
  return {
    id: r.id,
    name: r.name,
    email: r.email,
    phone: r.phone_number,
    identifier: r.identifier,
    avatarUrl: r.avatar_url,
    company: str(a.company_name ?? a.company),
    city: str(a.city),
    country: str(a.country ?? r.country_code ?? a.country_code),
    bio: str(a.description),
    social,
    blocked: r.blocked,
    customAttributes: Object.entries(r.custom_attributes).map(([k, v]) => [k, str(v)]),
    additionalAttributes: Object.entries(a)
      .filter(([k, v]) => !shown.has(k) && str(v) !== "")
      .map(([k, v]) => [k, str(v)]),
    createdAt: r.created_at,
    lastActivityAt: r.last_activity_at,
  };
}

function noteItems(c: WebContext, scope: AccountScope, contactId: number): NoteItem[] {
  const names = new Map<number, string>();
  return listNotes(c.var.deps.db, scope, contactId).map((n) => {
    let author = "Deleted user";
    if (n.user_id !== null) {
      if (!names.has(n.user_id)) {
        const u = findUser(c.var.deps.db, n.user_id);
        names.set(n.user_id, u ? availableName(u) : "Deleted user");
      }
      author = names.get(n.user_id)!;
    }
    return { id: n.id, content: n.content, author, createdAt: n.created_at };
  });
}

function mergeCandidates(c: WebContext, scope: AccountScope, contactId: number, q: string): MergeCandidate[] {
  if (!q.trim()) return [];
  return searchContacts(c.var.deps.db, scope, q, { page: 1 })
    .rows.filter((r) => r.id !== contactId)
    .slice(0, 8)
    .map((r) => ({ id: r.id, name: r.name, email: r.email, phone: r.phone_number }));
}

function contactPage(
  c: WebContext,
  contactId: number,
  opts: { status?: 200 | 422; values?: ContactFormValues; errors?: Record<string, string>; attrErrors?: Record<string, string>; attrValues?: { key: string; value: string } } = {},
) {
  const { db } = c.var.deps;
  const scope = scopeOf(c);
  const row = getVisibleContact(db, scope, contactId);
  const defined = typedAttributesOf(db, scope.account.id, "contact_attribute", row.custom_attributes);
  const detail = { ...detailOf(row), customAttributes: detailOf(row).customAttributes.filter(([k]) => !defined.definedKeys.has(k)) };
  const convs = contactConversations(db, scope, contactId);
  const inboxes = inboxesByIds(db, scope.account.id, convs.map((cv) => cv.inbox_id));
  const mergeQ = (c.req.query("merge_q") ?? "").trim().slice(0, 200);
  const page = (
    <ContactPage
      shell={shellOf(c, "contacts", row.name || "Contact")}
      contact={detail}
      values={opts.values ?? formValuesOf(detail)}
      errors={opts.errors}
      attrErrors={opts.attrErrors}
      attrValues={opts.attrValues}
      typedAttributes={defined.typed}
      notice={NOTICES[c.req.query("notice") ?? ""]}
      notes={noteItems(c, scope, contactId)}
      labels={labelsOf(db, scope.account.id, contactId)}
      availableLabels={listLabels(db, scope.account.id).map((l) => l.title)}
      conversations={convs.map((cv) => ({ displayId: cv.display_id, status: cv.status, inbox: inboxes.get(cv.inbox_id)?.inbox.name ?? "", lastActivityAt: cv.last_activity_at }))}
      mergeQ={mergeQ}
      mergeCandidates={mergeCandidates(c, scope, contactId, mergeQ)}
      canWrite={canWriteContacts(scope)}
      canDelete={canDeleteContacts(scope)}
      now={c.var.deps.clock.now()}
    />
  );
  return render(c, page, opts.status ?? 200);
}

const socialFields = Object.fromEntries(SOCIAL_NETWORKS.map((n) => [`social_${n}`, text(100)])) as Record<`social_${(typeof SOCIAL_NETWORKS)[number]}`, ReturnType<typeof text>>;
const contactForm = z.object({
  name: text(255),
  email: text(254),
  phone_number: text(32),
  identifier: text(255),
  company: text(255),
  city: text(255),
  country: text(255),
  bio: text(1000),
  ...socialFields,
});

const noteForm = z.object({ content: text(20_000) });
const attrForm = z.object({
  key: text(100).pipe(z.string().regex(/^[A-Za-z0-9_]+$/, { message: "use letters, digits and _ only" })),
  value: text(1000).pipe(z.string().min(1, { message: "can't be blank" })),
});
const attrKeyForm = z.object({ key: text(100) });
const labelForm = z.object({ label: text(255) });
const mergeForm = z.object({ mergee_id: z.string().catch("").pipe(z.string().regex(/^\d{1,15}$/, { message: "choose a contact to merge" })) });

function notesFragment(c: WebContext, contactId: number, error?: string | null) {
  const scope = scopeOf(c);
  return fragment(
    c,
    <ContactNotes accountId={accountIdOf(c)} contactId={contactId} csrf={c.get("csrfToken") ?? ""} notes={noteItems(c, scope, contactId)} now={c.var.deps.clock.now()} canWrite={canWriteContacts(scope)} error={error} />,
  );
}

function labelsFragment(c: WebContext, contactId: number) {
  const { db } = c.var.deps;
  const scope = scopeOf(c);
  return fragment(
    c,
    <ContactLabels
      accountId={accountIdOf(c)}
      contactId={contactId}
      csrf={c.get("csrfToken") ?? ""}
      labels={labelsOf(db, scope.account.id, contactId)}
      available={listLabels(db, scope.account.id).map((l) => l.title)}
      canWrite={canWriteContacts(scope)}
    />,
  );
}

// ---- import ----------------------------------------------------------------------------------------------

function summaryOf(r: Pick<ContactImportRow, "id" | "status" | "file_name" | "total_rows" | "processed_rows" | "created_count" | "updated_count" | "failed_count" | "created_at"> & { error?: string | null }): ImportSummary {
  return {
    id: r.id,
    status: r.status,
    fileName: r.file_name,
    totalRows: r.total_rows,
    processedRows: r.processed_rows,
    created: r.created_count,
    updated: r.updated_count,
    failed: r.failed_count,
    error: r.error ?? null,
    createdAt: r.created_at,
  };
}

function importView(c: WebContext, importId: number) {
  const row = getContactImport(c.var.deps.db, scopeOf(c), importId);
  const errors = contactImportErrorsOf(c.var.deps.db, row.id).map((e) => ({ row: e.row_number, field: e.field, message: e.message }));
  return { item: summaryOf(row), errors };
}

function importPage(c: WebContext, opts: { current?: number; errors?: Record<string, string>; status?: 200 | 413 | 422 } = {}) {
  const scope = scopeOf(c);
  const recent = listContactImports(c.var.deps.db, scope)
    .filter((r) => r.id !== opts.current)
    .map((r) => summaryOf(r));
  const current = opts.current !== undefined ? importView(c, opts.current) : null;
  return render(
    c,
    <ImportPage shell={shellOf(c, "contacts", "Import contacts")} errors={opts.errors} current={current} recent={recent} maxMb={MAX_IMPORT_BYTES / 1024 / 1024} now={c.var.deps.clock.now()} />,
    opts.status ?? 200,
  );
}

/** Mounted at /app/accounts/:accountId/contacts. */
export const contactsRoutes = new Hono<AppEnv>()
  .get("/", (c) => listPage(c))
  .get("/export.csv", (c) => {
    const state = listState(c);
    const next = contactExportChunks(c.var.deps.db, scopeOf(c), browseWithView(c, state), c.var.deps.clock.now());
    const stream = new ReadableStream<Uint8Array>({
      pull(controller) {
        const piece = next();
        if (piece === null) controller.close();
        else controller.enqueue(new TextEncoder().encode(piece));
      },
    });
    const day = new Date(c.var.deps.clock.now()).toISOString().slice(0, 10);
    return c.body(stream, 200, {
      "Content-Type": "text/csv; charset=utf-8",
      "Content-Disposition": `attachment; filename="contacts-${day}.csv"`,
      "Cache-Control": "no-store",
      "X-Content-Type-Options": "nosniff",
    });
  })
  .get("/import", (c) => importPage(c))
  .post("/import", async (c) => {
    const scope = scopeOf(c);
    const body = await c.req.parseBody();
    const file = body.import_file;
    try {
      if (!(file instanceof File) || file.size === 0) throw Validation.field("import_file", "choose a CSV file to upload");
      if (file.size > MAX_IMPORT_BYTES) throw Validation.field("import_file", `is too large (at most ${MAX_IMPORT_BYTES / 1024 / 1024} MB)`);
      const content = await file.text();
      const row = c.var.deps.tx((tx) => startContactImport(tx, scope, { name: file.name, text: content, bytes: file.size }));
      return c.redirect(base(c, `/import/${row.id}`), 303);
    } catch (err) {
      const errors = fieldErrorsOf(err);
      if (!errors) throw err;
      return importPage(c, { errors, status: 422 });
    }
  })
  .get("/import/:importId", (c) => importPage(c, { current: idOf(c.req.param("importId"), "Import") }))
  .get("/import/:importId/progress", (c) => {
    const view = importView(c, idOf(c.req.param("importId"), "Import"));
    return fragment(c, <ImportProgress accountId={accountIdOf(c)} item={view.item} errors={view.errors} />);
  })
  .get("/:id", (c) => contactPage(c, idOf(c.req.param("id"), "Contact")))
  .post("/:id", async (c) => {
    const id = idOf(c.req.param("id"), "Contact");
    const scope = scopeOf(c);
    const current = getVisibleContact(c.var.deps.db, scope, id);
    let values: ContactFormValues | undefined;
    try {
      values = (await readForm(c, contactForm)) as ContactFormValues;
      const social = Object.fromEntries(SOCIAL_NETWORKS.map((n) => [n, values![`social_${n}`].replace(/^@/, "")]));
      const v = values;
      c.var.deps.tx((tx) =>
        updateContact(tx, scope, id, {
          name: v.name,
          email: v.email,
          phone_number: v.phone_number,
          identifier: v.identifier,
          additional_attributes: { company_name: v.company, city: v.city, country: v.country, description: v.bio, social_profiles: social },
        }),
      );
      return c.redirect(base(c, `/${id}?notice=saved`), 303);
    } catch (err) {
      const errors = fieldErrorsOf(err);
      if (!errors) throw err;
      const submitted = values ?? { ...formValuesOf(detailOf(current)), ...(Object.fromEntries(Object.entries(await c.req.parseBody()).map(([k, v]) => [k, str(v).slice(0, 300)])) as Partial<ContactFormValues>) };
      return contactPage(c, id, { status: 422, values: submitted, errors });
    }
  })
  .post("/:id/custom_attributes", async (c) => {
    const id = idOf(c.req.param("id"), "Contact");
    const scope = scopeOf(c);
    try {
      const { key, value } = await readForm(c, attrForm);
      c.var.deps.tx((tx) => updateContact(tx, scope, id, { custom_attributes: { [key]: value } }));
      return c.redirect(base(c, `/${id}?notice=saved`), 303);
    } catch (err) {
      const attrErrors = fieldErrorsOf(err);
      if (!attrErrors) throw err;
      const body = await c.req.parseBody();
      return contactPage(c, id, { status: 422, attrErrors, attrValues: { key: str(body.key).slice(0, 100), value: str(body.value).slice(0, 1000) } });
    }
  })
  .post("/:id/custom_attributes/remove", async (c) => {
    const id = idOf(c.req.param("id"), "Contact");
    const { key } = await readForm(c, attrKeyForm);
    c.var.deps.tx((tx) => removeCustomAttributes(tx, scopeOf(c), id, [key]));
    return c.redirect(base(c, `/${id}?notice=saved`), 303);
  })
  .get("/:id/merge_candidates", (c) => {
    const id = idOf(c.req.param("id"), "Contact");
    const scope = scopeOf(c);
    getVisibleContact(c.var.deps.db, scope, id);
    const q = (c.req.query("merge_q") ?? "").trim().slice(0, 200);
    return fragment(c, <MergeCandidates accountId={accountIdOf(c)} contactId={id} csrf={c.get("csrfToken") ?? ""} q={q} candidates={mergeCandidates(c, scope, id, q)} />);
  })
  .post("/:id/merge", async (c) => {
    const id = idOf(c.req.param("id"), "Contact");
    const { mergee_id } = await readForm(c, mergeForm);
    c.var.deps.tx((tx) => mergeContacts(tx, scopeOf(c), id, Number(mergee_id)));
    return c.redirect(base(c, `/${id}?notice=merged`), 303);
  })
  .post("/:id/delete", async (c) => {
    const id = idOf(c.req.param("id"), "Contact");
    const files = c.var.deps.tx((tx) => deleteContact(tx, scopeOf(c), id));
    await removeStored(c.var.deps.config.dataDir, files);
    return c.redirect(base(c, "?notice=deleted"), 303);
  })
  .post("/:id/notes", async (c) => {
    const id = idOf(c.req.param("id"), "Contact");
    try {
      const { content } = await readForm(c, noteForm);
      c.var.deps.tx((tx) => createNote(tx, scopeOf(c), id, content));
    } catch (err) {
      const errors = fieldErrorsOf(err);
      if (!errors) throw err;
      if (isHtmx(c)) return notesFragment(c, id, errors.content ?? Object.values(errors)[0]);
      throw err;
    }
    return isHtmx(c) ? notesFragment(c, id) : c.redirect(base(c, `/${id}?notice=note_added`), 303);
  })
  .post("/:id/notes/:noteId/delete", (c) => {
    const id = idOf(c.req.param("id"), "Contact");
    c.var.deps.tx((tx) => deleteNote(tx, scopeOf(c), id, idOf(c.req.param("noteId"), "Note")));
    return isHtmx(c) ? notesFragment(c, id) : c.redirect(base(c, `/${id}?notice=note_deleted`), 303);
  })
  .post("/:id/labels", async (c) => {
    const id = idOf(c.req.param("id"), "Contact");
    const { label } = await readForm(c, labelForm);
    const scope = scopeOf(c);
    if (!listLabels(c.var.deps.db, scope.account.id).some((l) => l.title === label)) throw Validation.field("label", "is not a label of this account");
    c.var.deps.tx((tx) => setContactLabels(tx, scope, id, [...labelsOf(tx.db, scope.account.id, getVisibleContact(tx.db, scope, id).id), label]));
    return isHtmx(c) ? labelsFragment(c, id) : c.redirect(base(c, `/${id}?notice=labels`), 303);
  })
  .post("/:id/labels/remove", async (c) => {
    const id = idOf(c.req.param("id"), "Contact");
    const { label } = await readForm(c, labelForm);
    const scope = scopeOf(c);
    c.var.deps.tx((tx) => setContactLabels(tx, scope, id, labelsOf(tx.db, scope.account.id, getVisibleContact(tx.db, scope, id).id).filter((l) => l !== label)));
    return isHtmx(c) ? labelsFragment(c, id) : c.redirect(base(c, `/${id}?notice=labels`), 303);
  });
