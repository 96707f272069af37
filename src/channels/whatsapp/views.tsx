/** @jsxImportSource hono/jsx */
// Pure views of the WhatsApp channel's dashboard pages (props in, HTML out).
import { Alert } from "../../../views/components/form.tsx";
import { PageHeader, type Shell } from "../../../views/layouts/app.tsx";
import { SettingsLayout, type SettingsAccess } from "../../../views/pages/settings/layout.tsx";

/** A settings page with one message (signup cancelled, failed, not configured…) and a way back. */
export function WhatsappNoticePage(props: { shell: Shell; access: SettingsAccess; title: string; text: string; backHref: string }) {
  return (
    <SettingsLayout shell={props.shell} page="inboxes" access={props.access}>
      <PageHeader title={props.title} />
      <Alert kind="error" title={props.title} id="whatsapp-notice">
        {props.text}
      </Alert>
      <p>
        <a class="btn btn-secondary" href={props.backHref}>
          Back to inboxes
        </a>
      </p>
    </SettingsLayout>
  );
}

/** Add inbox → WhatsApp: the Embedded Signup option above the manual form (or what the server still needs for it). */
export function EmbeddedSignupCard(props: { signupHref: string; unavailable: string | null }) {
  return (
    <section class="card wa-signup" aria-labelledby="wa-signup-title">
      <h2 class="wa-signup-title" id="wa-signup-title">
        Embedded Signup (recommended)
      </h2>
      <p class="wa-signup-text">
        A guided flow by Meta: log in with Facebook, pick or create your WhatsApp Business Account and add your number. Parley then receives the token,
        configures the number and subscribes to its webhooks itself.
      </p>
      {props.unavailable ? (
        <Alert kind="info" title="Not available on this server yet" id="wa-signup-unavailable">
          {props.unavailable}
        </Alert>
      ) : (
        <a class="btn btn-primary wa-signup-button" href={props.signupHref}>
          Connect with WhatsApp Business
        </a>
      )}
      <p class="wa-signup-text wa-signup-manual">
        Manual setup is for tech providers onboarding their own number or numbers already linked to Embedded Signup: fill in the form below with the
        values from Meta's developer console.
      </p>
    </section>
  );
}

/** The inbox page's "Sync templates" button (POST, with the CSRF field). */
export function SyncTemplatesForm(props: { action: string; csrfToken: string; count: number; lastUpdated: string | null }) {
  return (
    <form method="post" action={props.action} class="wa-sync" hx-post={props.action}>
      <input type="hidden" name="_csrf" value={props.csrfToken} />
      <span class="wa-sync-status">
        {props.count} approved or pending templates{props.lastUpdated ? `, synced ${props.lastUpdated.replace("T", " ").slice(0, 16)} UTC` : ""}
      </span>
      <button type="submit" class="btn btn-secondary">
        Sync templates
      </button>
    </form>
  );
}

export type ReplyPanelView = {
  /** The conversation's base URL (…/conversations/{display_id}). */
  baseUrl: string;
  csrfToken: string;
  open: boolean;
  closesAt: number | null;
  now: number;
  templates: { name: string; language: string; category: string | null; preview: string; header: string[]; body: string[]; headerMedia: "image" | "video" | "document" | null }[];
};

function remaining(ms: number): string {
  const minutes = Math.max(1, Math.floor(ms / 60_000));
  const h = Math.floor(minutes / 60);
  const m = minutes % 60;
  return h ? `${h} h ${m} min` : `${m} min`;
}

/**
 * Above the reply box of a WhatsApp conversation: the 24-hour window (time left, or closed) and the template picker.
 * Without JavaScript every template's fields show and the form posts; conversation.js shows only the chosen one's.
 */
export function WhatsappReplyPanel(props: { v: ReplyPanelView }) {
  const { v } = props;
  const action = `${v.baseUrl}/whatsapp-template`;
  return (
    <section class={v.open ? "wa-panel" : "wa-panel is-closed"} id="wa-panel" aria-label="WhatsApp" data-testid="wa-panel">
      <p
        class="wa-window"
        data-testid="wa-window"
        data-closes-at={v.closesAt != null ? String(v.closesAt) : ""}
        data-remaining-ms={String(v.open && v.closesAt != null ? v.closesAt - v.now : 0)}
        aria-live="polite"
      >
        {v.open && v.closesAt != null
          ? `WhatsApp: free-form replies are possible for ${remaining(v.closesAt - v.now)} more (24-hour customer service window).`
          : "The 24-hour customer service window is closed: WhatsApp delivers only approved templates until the customer writes again."}
      </p>
      <details class="wa-templates" open={!v.open}>
        <summary class="wa-templates-summary">Send a template</summary>
        {v.templates.length ? (
          <form method="post" action={action} class="wa-template-form" data-testid="wa-template-form">
            <input type="hidden" name="_csrf" value={v.csrfToken} />
            <div class="wa-template-row">
              <label class="visually-hidden" for="wa-template-select">
                Template
              </label>
              <select id="wa-template-select" name="template" class="select wa-template-select" data-testid="wa-template-select">
                {v.templates.map((t, i) => (
                  <option value={String(i)}>
                    {t.name} · {t.language}
                    {t.category ? ` · ${t.category.toLowerCase()}` : ""}
                  </option>
                ))}
              </select>
              <button type="submit" class="btn btn-primary btn-sm" data-testid="wa-template-send">
                Send template
              </button>
            </div>
            {v.templates.map((t, i) => (
              <fieldset class="wa-template-fields" data-wa-template={String(i)} data-testid={`wa-template-${t.name}`}>
                <legend class="visually-hidden">
                  {t.name} ({t.language})
                </legend>
                <p class="wa-template-preview">{t.preview}</p>
                {t.headerMedia ? (
                  <label class="wa-template-param">
                    <span>Header {t.headerMedia}</span>
                    <input class="wa-input" type="url" name={`t${i}_hm`} maxlength={2048} placeholder="https://…" />
                  </label>
                ) : null}
                {t.header.map((name) => (
                  <label class="wa-template-param">
                    <span>Header {`{{${name}}}`}</span>
                    <input class="wa-input" type="text" name={`t${i}_h_${name}`} maxlength={1024} />
                  </label>
                ))}
                {t.body.map((name) => (
                  <label class="wa-template-param">
                    <span>{`{{${name}}}`}</span>
                    <input class="wa-input" type="text" name={`t${i}_b_${name}`} maxlength={1024} />
                  </label>
                ))}
              </fieldset>
            ))}
            <p class="reply-error wa-template-error" role="alert" data-testid="wa-template-error"></p>
          </form>
        ) : (
          <p class="wa-template-empty">No approved templates yet. Create them in Meta's WhatsApp Manager, then use “Sync templates” on the inbox's settings page.</p>
        )}
      </details>
    </section>
  );
}
