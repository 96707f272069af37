/** @jsxImportSource hono/jsx */
import { EmptyState } from "../../../components/empty-state.tsx";
import { ConversationHeader } from "./header.tsx";
import { TimelineChunk } from "./message.tsx";
import { ReplyBox } from "./reply-box.tsx";
import type { PaneView } from "./types.ts";

/** The middle pane with one conversation: header, tab strip (Messages + dashboard apps), timeline, reply box. */
export function ConversationPaneView(props: { v: PaneView }) {
  const { v } = props;
  return (
    <section
      id="conversation-pane"
      class="conversation-pane"
      aria-labelledby="conversation-heading"
      data-conversation-id={String(v.displayId)}
      data-account-id={String(v.header.accountId)}
      data-viewer-id={String(v.viewerId)}
      data-base-url={v.header.baseUrl}
    >
      <ConversationHeader h={v.header} />
      <div class="conversation-tabs" role="tablist" aria-label="Conversation views">
        <button type="button" role="tab" id="conversation-tab-messages" aria-controls="conversation-panel-messages" aria-selected="true" tabindex={0}>
          Messages
        </button>
        {v.apps?.tabs}
      </div>
      <div class="conversation-panel conversation-messages" role="tabpanel" id="conversation-panel-messages" aria-labelledby="conversation-tab-messages">
        <div class="timeline-scroll" id="timeline-scroll" tabindex={-1}>
          <ol class="timeline" id="timeline" aria-label="Messages" aria-live="polite" aria-relevant="additions">
            <TimelineChunk timeline={v.timeline} />
          </ol>
        </div>
        <p class="conversation-typing" id="conversation-typing" aria-live="polite" data-testid="typing" hidden></p>
        <p class="conversation-collision" id="conversation-collision" role="status" data-testid="collision" hidden></p>
        <div class="reply-drop-hint" aria-hidden="true">Drop files to attach</div>
        {v.reply.channelPanel ?? null}
        <ReplyBox r={v.reply} />
      </div>
      {v.apps?.panels}
    </section>
  );
}

/** No conversation chosen yet. */
export function NoConversationPane() {
  return (
    <section id="conversation-pane" class="conversation-pane conversation-pane-empty" aria-label="Conversation" data-conversation-id="">
      <EmptyState icon="conversations" title="Pick a conversation">
        Choose a conversation from the list to read it and reply. New messages appear here as they arrive.
      </EmptyState>
    </section>
  );
}
