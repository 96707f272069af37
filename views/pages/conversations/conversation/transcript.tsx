/** @jsxImportSource hono/jsx */
import { CsrfField } from "../../../components/form.tsx";
import { Icon } from "../../../components/icon.tsx";
import type { HeaderView } from "./types.ts";

/** Alpine modifiers contain dots, which JSX attribute names cannot: they are spread in. */
const MENU_EVENTS = { "x-on:keydown.escape": "closeAndFocus", "x-on:click.outside": "close" };

/**
 * "Send transcript" in the conversation's actions: an email field prefilled with the contact's address. With
 * JavaScript conversation.js posts it and shows the answer in place; without, it posts and redirects back.
 */
export function TranscriptMenu(props: { h: HeaderView }) {
  const { h } = props;
  return (
    <div class="snooze-menu transcript-menu" x-data="menu" {...MENU_EVENTS}>
      <button
        type="button"
        class="btn btn-secondary btn-sm"
        x-ref="button"
        x-on:click="toggle"
        x-bind:aria-expanded="open"
        aria-haspopup="true"
        aria-controls="transcript-menu-panel"
        data-testid="transcript-menu"
        title="Send transcript"
      >
        <Icon name="mail" size={15} />
        <span class="visually-hidden">Send transcript</span>
      </button>
      <div class="menu menu-down snooze-panel transcript-panel" id="transcript-menu-panel" x-show="open" x-cloak>
        <form method="post" action={`${h.baseUrl}/transcript`} class="snooze-custom transcript-form" data-transcript-form>
          <CsrfField token={h.csrfToken} />
          <label for="transcript-email">Email the conversation's transcript (without private notes) to</label>
          <input type="email" id="transcript-email" name="email" value={h.contactEmail ?? ""} placeholder="name@example.com" required />
          <button type="submit" class="btn btn-primary btn-sm transcript-send" data-testid="send-transcript">
            Send transcript
          </button>
          <p class="transcript-result" role="status" aria-live="polite" hidden></p>
        </form>
      </div>
    </div>
  );
}
