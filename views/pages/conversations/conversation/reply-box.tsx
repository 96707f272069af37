/** @jsxImportSource hono/jsx */
import { CsrfField } from "../../../components/form.tsx";
import { Icon } from "../../../components/icon.tsx";
import type { ReplyView } from "./types.ts";
import { ReplyEmailFields } from "./email.tsx";

/**
 * The reply box. Without JavaScript it is a plain multipart form (reply or note by the radio, files by the
 * picker); conversation.js adds Enter to send, paste and drop of files, @-mentions, / canned responses,
 * the typing indicator and the in-place append of the sent message.
 */
export function ReplyBox(props: { r: ReplyView }) {
  const { r } = props;
  const noteOnly = r.replyBlocked != null;
  return (
    <form
      class={noteOnly ? "reply-box is-note" : "reply-box"}
      id="reply-box"
      method="post"
      action={`${r.baseUrl}/messages`}
      enctype="multipart/form-data"
      data-mentions-url={`${r.baseUrl}/mentionable`}
      data-canned-url={`${r.baseUrl}/canned`}
      data-typing-url={`${r.baseUrl}/typing`}
      data-settings-url={`/app/accounts/${r.accountId}/reply-settings`}
      data-max-bytes={String(r.maxUploadBytes)}
      data-enter-to-send={r.enterToSend ? "true" : "false"}
    >
      <CsrfField token={r.csrfToken} />
      <div class="reply-tabs" role="radiogroup" aria-label="Message kind">
        <label class="reply-tab" data-shortcut="reply" title={noteOnly ? r.replyBlocked! : "Reply to the customer"}>
          <input type="radio" name="private" value="false" checked={!noteOnly} disabled={noteOnly} data-mode="reply" />
          <span>Reply</span>
        </label>
        <label class="reply-tab reply-tab-note" data-shortcut="note" title="Only your team sees private notes">
          <input type="radio" name="private" value="true" checked={noteOnly} data-mode="note" />
          <span>Private Note</span>
        </label>
      </div>
      {noteOnly ? <p class="reply-blocked">{r.replyBlocked}</p> : null}
      {r.email && !noteOnly ? <ReplyEmailFields e={r.email} /> : null}
      <div class="reply-editor">
        <ul class="reply-suggestions" id="reply-suggestions" role="listbox" aria-label="Suggestions" hidden></ul>
        <label for="reply-content" class="visually-hidden">
          Message
        </label>
        <textarea
          id="reply-content"
          name="content"
          rows={3}
          maxlength={100000}
          placeholder={noteOnly ? "Write a private note. Type @ to mention a teammate." : `Reply to ${r.contactName}. Type / for canned responses.`}
          aria-autocomplete="list"
          aria-controls="reply-suggestions"
          data-testid="reply-content"
        ></textarea>
        <ul class="reply-files" aria-label="Files to send" data-testid="reply-files"></ul>
        <p class="reply-error" role="alert" data-testid="reply-error"></p>
      </div>
      <div class="reply-footer">
        <label class="icon-button reply-attach" title="Attach files">
          <Icon name="upload" size={17} />
          <span class="visually-hidden">Attach files</span>
          <input type="file" name="attachments" multiple class="reply-file-input" data-testid="reply-file-input" />
        </label>
        <label class="reply-enter-toggle">
          <input type="checkbox" name="enter_to_send_enabled" value="true" checked={r.enterToSend} class="reply-enter-checkbox" />
          <span>Enter to send</span>
        </label>
        <span class="reply-hint">{r.enterToSend ? "Shift + Enter for a new line" : "Ctrl + Enter to send"}</span>
        <button type="submit" class="btn btn-primary btn-sm reply-send" data-testid="reply-send">
          Send
        </button>
      </div>
    </form>
  );
}
