/** @jsxImportSource hono/jsx */
import { Avatar } from "../../components/avatar.tsx";
import { CsrfField, Field, NoticeAlert, type FieldErrors, type Notice } from "../../components/form.tsx";
import { Icon } from "../../components/icon.tsx";
import { Time } from "../../components/time.tsx";
import { AppLayout, accountPath, type Shell } from "../../layouts/app.tsx";
import { TypedAttributeForms, type TypedAttribute } from "../custom-attributes/typed-attributes.tsx";

export const SOCIAL_NETWORKS = ["facebook", "twitter", "linkedin", "github", "instagram"] as const;
export type SocialNetwork = (typeof SOCIAL_NETWORKS)[number];
const SOCIAL_URL: Record<SocialNetwork, string> = {
  facebook: "https://facebook.com/",
  twitter: "https://x.com/",
  linkedin: "https://linkedin.com/in/",
  github: "https://github.com/",
  instagram: "https://instagram.com/",
};

export type ContactDetail = {
  id: number;
  name: string;
  email: string | null;
  phone: string | null;
  identifier: string | null;
  avatarUrl: string | null;
  company: string;
  city: string;
  country: string;
  bio: string;
  social: Partial<Record<SocialNetwork, string>>;
  blocked: boolean;
  customAttributes: [string, string][];
  additionalAttributes: [string, string][];
  createdAt: number;
  lastActivityAt: number | null;
};

export type ContactFormValues = {
  name: string;
  email: string;
  phone_number: string;
  identifier: string;
  company: string;
  city: string;
  country: string;
  bio: string;
} & Record<`social_${SocialNetwork}`, string>;

export type NoteItem = { id: number; content: string; author: string; createdAt: number };
export type ContactConversationItem = { displayId: number; status: string; inbox: string; lastActivityAt: number };
export type MergeCandidate = { id: number; name: string; email: string | null; phone: string | null };

export function formValuesOf(c: ContactDetail): ContactFormValues {
  return {
    name: c.name,
    email: c.email ?? "",
    phone_number: c.phone ?? "",
    identifier: c.identifier ?? "",
    company: c.company,
    city: c.city,
    country: c.country,
    bio: c.bio,
    social_facebook: c.social.facebook ?? "",
    social_twitter: c.social.twitter ?? "",
    social_linkedin: c.social.linkedin ?? "",
    social_github: c.social.github ?? "",
    social_instagram: c.social.instagram ?? "",
  };
}

const STATUS_BADGE: Record<string, string> = { open: "badge-info", pending: "badge-neutral", snoozed: "badge-neutral", resolved: "badge-success" };

function Attr(props: { label: string; children: unknown }) {
  return (
    <div class="attr">
      <dt>{props.label}</dt>
      <dd>{props.children as never}</dd>
    </div>
  );
}

/** Notes: the list and the add form (also the htmx fragment after adding or deleting one). */
export function ContactNotes(props: { accountId: number; contactId: number; csrf: string; notes: NoteItem[]; now: number; canWrite: boolean; error?: string | null }) {
  const base = accountPath(props.accountId, `contacts/${props.contactId}/notes`);
  return (
    <section class="card" id="contact-notes" aria-labelledby="notes-heading">
      <header class="card-header">
        <h2 class="card-title" id="notes-heading">
          Notes
        </h2>
      </header>
      <div class="card-body stack">
        {props.canWrite ? (
          <form method="post" action={base} hx-post={base} hx-target="#contact-notes" hx-swap="outerHTML" class="stack-sm" id="add-note-form">
            <CsrfField token={props.csrf} />
            <div class={props.error ? "field has-error" : "field"}>
              <label for="f-note-content" class="visually-hidden">
                New note
              </label>
              <textarea id="f-note-content" name="content" rows={3} placeholder="Add a note about this contact…" maxlength={20000} aria-invalid={props.error ? "true" : undefined}></textarea>
              {props.error ? <p class="field-error">{props.error}</p> : null}
            </div>
            <div>
              <button type="submit" class="btn btn-primary btn-sm">
                Add note
              </button>
            </div>
          </form>
        ) : null}
        {props.notes.length === 0 ? (
          <p class="muted">No notes yet.</p>
        ) : (
          <ul class="note-list">
            {props.notes.map((n) => (
              <li class="note" data-note-id={n.id}>
                <p class="note-content">{n.content}</p>
                <div class="note-meta">
                  <span class="muted small">
                    {n.author} · <Time at={n.createdAt} now={props.now} />
                  </span>
                  {props.canWrite ? (
                    <form method="post" action={`${base}/${n.id}/delete`} hx-post={`${base}/${n.id}/delete`} hx-target="#contact-notes" hx-swap="outerHTML">
                      <CsrfField token={props.csrf} />
                      <button type="submit" class="btn btn-ghost btn-sm" data-confirm="Delete this note?" aria-label="Delete note">
                        Delete
                      </button>
                    </form>
                  ) : null}
                </div>
              </li>
            ))}
          </ul>
        )}
      </div>
    </section>
  );
}

/** The contact's labels with add/remove (also the htmx fragment after a change). */
export function ContactLabels(props: { accountId: number; contactId: number; csrf: string; labels: string[]; available: string[]; canWrite: boolean }) {
  const base = accountPath(props.accountId, `contacts/${props.contactId}/labels`);
  const addable = props.available.filter((l) => !props.labels.includes(l));
  return (
    <section class="card" id="contact-labels" aria-labelledby="labels-heading">
      <header class="card-header">
        <h2 class="card-title" id="labels-heading">
          Labels
        </h2>
      </header>
      <div class="card-body stack-sm">
        {props.labels.length === 0 ? <p class="muted">No labels.</p> : null}
        <ul class="label-chips" hidden={props.labels.length === 0}>
          {props.labels.map((l) => (
            <li class="label-chip">
              <span>{l}</span>
              {props.canWrite ? (
                <form method="post" action={`${base}/remove`} hx-post={`${base}/remove`} hx-target="#contact-labels" hx-swap="outerHTML">
                  <CsrfField token={props.csrf} />
                  <input type="hidden" name="label" value={l} />
                  <button type="submit" class="label-chip-remove" aria-label={`Remove label ${l}`}>
                    <Icon name="x" size={12} />
                  </button>
                </form>
              ) : null}
            </li>
          ))}
        </ul>
        {props.canWrite && addable.length ? (
          <form method="post" action={base} hx-post={base} hx-target="#contact-labels" hx-swap="outerHTML" class="contacts-inline">
            <CsrfField token={props.csrf} />
            <label for="f-add-label" class="visually-hidden">
              Add label
            </label>
            <select id="f-add-label" name="label" class="select">
              {addable.map((l) => (
                <option value={l}>{l}</option>
              ))}
            </select>
            <button type="submit" class="btn btn-secondary btn-sm">
              Add
            </button>
          </form>
        ) : props.canWrite && props.available.length === 0 ? (
          <p class="muted small">Create labels under Settings → Labels to tag contacts.</p>
        ) : null}
      </div>
    </section>
  );
}

/** Candidates for a merge (also the htmx fragment of the merge search). */
export function MergeCandidates(props: { accountId: number; contactId: number; csrf: string; q: string; candidates: MergeCandidate[] }) {
  const action = accountPath(props.accountId, `contacts/${props.contactId}/merge`);
  return (
    <div id="merge-candidates">
      {props.q === "" ? null : props.candidates.length === 0 ? (
        <p class="muted">No other contact matches “{props.q}”.</p>
      ) : (
        <form method="post" action={action} class="stack-sm" id="merge-form">
          <CsrfField token={props.csrf} />
          <fieldset class="stack-sm">
            <legend class="field-label">Duplicate to merge into this contact</legend>
            {props.candidates.map((m) => (
              <label class="checkbox merge-option">
                <input type="radio" name="mergee_id" value={String(m.id)} required />
                <span>
                  <strong>{m.name || "Unnamed contact"}</strong> <span class="muted">{[m.email, m.phone].filter(Boolean).join(" · ")}</span>
                </span>
              </label>
            ))}
          </fieldset>
          <div>
            <button type="submit" class="btn btn-primary btn-sm" data-confirm="Merge the chosen contact into this one? Its conversations, notes and labels move here and it is deleted.">
              Merge
            </button>
          </div>
        </form>
      )}
    </div>
  );
}

export function ContactPage(props: {
  shell: Shell;
  contact: ContactDetail;
  values: ContactFormValues;
  errors?: FieldErrors;
  attrErrors?: FieldErrors;
  attrValues?: { key: string; value: string };
  /** Defined contact attributes (typed controls); the contact's other keys stay in contact.customAttributes. */
  typedAttributes?: TypedAttribute[];
  notice?: Notice | null;
  notes: NoteItem[];
  labels: string[];
  availableLabels: string[];
  conversations: ContactConversationItem[];
  mergeQ: string;
  mergeCandidates: MergeCandidate[];
  canWrite: boolean;
  canDelete: boolean;
  now: number;
}) {
  const c = props.contact;
  const accountId = props.shell.accountId;
  const base = accountPath(accountId, `contacts/${c.id}`);
  const csrf = props.shell.doc.csrfToken;
  const v = props.values;
  const editOpen = Boolean(props.errors && Object.keys(props.errors).length);
  const location = [c.city, c.country].filter(Boolean).join(", ");
  const socials = SOCIAL_NETWORKS.filter((n) => c.social[n]);
  return (
    <AppLayout shell={props.shell}>
      <div class="page-body stack-lg contact-page">
        <a class="link-muted back-link" href={accountPath(accountId, "contacts")}>
          <Icon name="arrowLeft" size={16} /> All contacts
        </a>
        <header class="contact-header card">
          <Avatar name={c.name || c.email || "?"} url={c.avatarUrl} size="lg" />
          <div class="contact-header-text">
            <h1 class="page-title" id="contact-name">
              {c.name || "Unnamed contact"}
            </h1>
            <p class="muted">
              {[c.email, c.phone, c.company].filter(Boolean).join(" · ") || "No contact details yet"}
              {c.blocked ? <span class="badge badge-danger">Blocked</span> : null}
            </p>
          </div>
        </header>
        <NoticeAlert notice={props.notice} id="contact-notice" />
        <div class="contact-grid">
          <div class="stack-lg">
            <section class="card" aria-labelledby="attrs-heading">
              <header class="card-header">
                <h2 class="card-title" id="attrs-heading">
                  Attributes
                </h2>
              </header>
              <dl class="card-body attr-list" id="contact-attributes">
                <Attr label="Email">{c.email ? <a href={`mailto:${c.email}`}>{c.email}</a> : <span class="muted">—</span>}</Attr>
                <Attr label="Phone">{c.phone ?? <span class="muted">—</span>}</Attr>
                <Attr label="Identifier">{c.identifier ? <code>{c.identifier}</code> : <span class="muted">—</span>}</Attr>
                <Attr label="Company">{c.company || <span class="muted">—</span>}</Attr>
                <Attr label="Location">{location || <span class="muted">—</span>}</Attr>
                {c.bio ? <Attr label="Bio">{c.bio}</Attr> : null}
                <Attr label="Social profiles">
                  {socials.length ? (
                    <span class="social-links">
                      {socials.map((n) => (
                        <a href={`${SOCIAL_URL[n]}${encodeURIComponent(c.social[n] ?? "")}`} rel="noopener noreferrer nofollow" target="_blank">
                          {n}: {c.social[n]}
                        </a>
                      ))}
                    </span>
                  ) : (
                    <span class="muted">—</span>
                  )}
                </Attr>
                <Attr label="Created">
                  <Time at={c.createdAt} now={props.now} />
                </Attr>
                <Attr label="Last activity">{c.lastActivityAt ? <Time at={c.lastActivityAt} now={props.now} /> : <span class="muted">—</span>}</Attr>
                {!props.canWrite && props.typedAttributes?.some((a) => a.value !== "") ? <h3 class="attr-group">Contact attributes</h3> : null}
                {!props.canWrite ? props.typedAttributes?.filter((a) => a.value !== "").map((a) => <Attr label={a.name}>{a.value}</Attr>) : null}
                {c.customAttributes.length ? <h3 class="attr-group">Custom attributes</h3> : null}
                {c.customAttributes.map(([k, val]) => (
                  <Attr label={k}>
                    {val}
                    {props.canWrite ? (
                      <form method="post" action={`${base}/custom_attributes/remove`} class="attr-remove">
                        <CsrfField token={csrf} />
                        <input type="hidden" name="key" value={k} />
                        <button type="submit" class="btn btn-ghost btn-sm" aria-label={`Remove custom attribute ${k}`} data-confirm={`Remove the custom attribute ${k}?`}>
                          Remove
                        </button>
                      </form>
                    ) : null}
                  </Attr>
                ))}
                {c.additionalAttributes.length ? <h3 class="attr-group">Additional attributes</h3> : null}
                {c.additionalAttributes.map(([k, val]) => (
                  <Attr label={k}>{val}</Attr>
                ))}
              </dl>
              {props.canWrite && props.typedAttributes?.length ? (
                <div class="card-body ca-contact-typed">
                  <h3 class="attr-group">Contact attributes</h3>
                  <TypedAttributeForms items={props.typedAttributes} action={`${base}/custom_attributes`} csrf={csrf} idPrefix="contact-ca" errors={props.attrErrors} />
                </div>
              ) : null}
              {props.canWrite ? (
                <form method="post" action={`${base}/custom_attributes`} class="card-body custom-attr-form" id="custom-attr-form" novalidate>
                  <CsrfField token={csrf} />
                  <Field label="Custom attribute" name="key" value={props.attrValues?.key ?? ""} errors={props.attrErrors} placeholder="plan" hint="Letters, digits and _ ." />
                  <Field label="Value" name="value" value={props.attrValues?.value ?? ""} errors={props.attrErrors} placeholder="enterprise" />
                  <button type="submit" class="btn btn-secondary btn-sm">
                    Add attribute
                  </button>
                </form>
              ) : null}
            </section>

            {props.canWrite ? (
              <details class="card edit-card" open={editOpen} id="edit-contact">
                <summary class="card-header">
                  <h2 class="card-title">Edit contact</h2>
                </summary>
                <form method="post" action={base} class="card-body stack" novalidate id="edit-contact-form">
                  <CsrfField token={csrf} />
                  <div class="grid-2">
                    <Field label="Name" name="name" value={v.name} errors={props.errors} />
                    <Field label="Email" name="email" type="email" value={v.email} errors={props.errors} />
                    <Field label="Phone number" name="phone_number" value={v.phone_number} errors={props.errors} hint="E.164, e.g. +4915112345678" />
                    <Field label="Identifier" name="identifier" value={v.identifier} errors={props.errors} hint="Your system's id for this person." />
                    <Field label="Company" name="company" value={v.company} errors={props.errors} />
                    <Field label="City" name="city" value={v.city} errors={props.errors} />
                    <Field label="Country" name="country" value={v.country} errors={props.errors} />
                    <Field label="Bio" name="bio" value={v.bio} errors={props.errors} />
                  </div>
                  <fieldset class="stack-sm">
                    <legend class="field-label">Social profiles (user names)</legend>
                    <div class="grid-2">
                      {SOCIAL_NETWORKS.map((n) => (
                        <Field label={n[0].toUpperCase() + n.slice(1)} name={`social_${n}`} value={v[`social_${n}`]} errors={props.errors} />
                      ))}
                    </div>
                  </fieldset>
                  <div class="form-actions">
                    <button type="submit" class="btn btn-primary">
                      Save contact
                    </button>
                  </div>
                </form>
              </details>
            ) : null}

            <ContactNotes accountId={accountId} contactId={c.id} csrf={csrf} notes={props.notes} now={props.now} canWrite={props.canWrite} />
          </div>

          <div class="stack-lg">
            <section class="card" aria-labelledby="convs-heading">
              <header class="card-header">
                <h2 class="card-title" id="convs-heading">
                  Conversations
                </h2>
              </header>
              {props.conversations.length === 0 ? (
                <p class="card-body muted">No conversations you can see.</p>
              ) : (
                <ul class="contact-conversations" id="contact-conversations">
                  {props.conversations.map((cv) => (
                    <li>
                      <a href={accountPath(accountId, `conversations/${cv.displayId}`)} class="contact-conversation">
                        <span class="cell-strong">#{cv.displayId}</span>
                        <span class="muted contact-ellipsis">{cv.inbox}</span>
                        <span class={`badge ${STATUS_BADGE[cv.status] ?? "badge-neutral"}`}>{cv.status}</span>
                        <span class="muted small">
                          <Time at={cv.lastActivityAt} now={props.now} />
                        </span>
                      </a>
                    </li>
                  ))}
                </ul>
              )}
            </section>

            <ContactLabels accountId={accountId} contactId={c.id} csrf={csrf} labels={props.labels} available={props.availableLabels} canWrite={props.canWrite} />

            {props.canWrite ? (
              <section class="card" aria-labelledby="merge-heading" id="contact-merge">
                <header class="card-header">
                  <h2 class="card-title" id="merge-heading">
                    Merge a duplicate
                  </h2>
                </header>
                <div class="card-body stack-sm">
                  <p class="muted small">Find the duplicate; its conversations, notes and labels move to this contact, and the details this contact lacks are taken over.</p>
                  <form
                    method="get"
                    action={base}
                    role="search"
                    hx-get={`${base}/merge_candidates`}
                    hx-target="#merge-candidates"
                    hx-swap="outerHTML"
                    hx-trigger="input changed delay:300ms from:#f-merge-q, submit"
                    class="contacts-inline"
                  >
                    <label for="f-merge-q" class="visually-hidden">
                      Search contacts to merge
                    </label>
                    <input id="f-merge-q" type="search" name="merge_q" value={props.mergeQ} placeholder="Name, email or phone" autocomplete="off" maxlength={200} />
                    <button type="submit" class="btn btn-secondary btn-sm">
                      Search
                    </button>
                  </form>
                  <MergeCandidates accountId={accountId} contactId={c.id} csrf={csrf} q={props.mergeQ} candidates={props.mergeCandidates} />
                </div>
              </section>
            ) : null}

            {props.canDelete ? (
              <section class="card danger-zone" aria-labelledby="delete-heading">
                <header class="card-header">
                  <h2 class="card-title" id="delete-heading">
                    Delete contact
                  </h2>
                </header>
                <form method="post" action={`${base}/delete`} class="card-body stack-sm">
                  <CsrfField token={csrf} />
                  <p class="muted small">Deletes the contact with all their conversations and notes. This cannot be undone.</p>
                  <div>
                    <button type="submit" class="btn btn-danger-soft btn-sm" data-confirm={`Delete ${c.name || "this contact"} and all their conversations?`} id="delete-contact">
                      Delete contact
                    </button>
                  </div>
                </form>
              </section>
            ) : null}
          </div>
        </div>
      </div>
    </AppLayout>
  );
}
