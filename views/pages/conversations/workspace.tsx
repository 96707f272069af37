/** @jsxImportSource hono/jsx */
import type { Child } from "hono/jsx";
import { Icon } from "../../components/icon.tsx";
import { AppLayout, type Shell } from "../../layouts/app.tsx";
import { ConversationListPane, listPageUrl, type ListBodyProps, type ListOptions } from "./list.tsx";

export type WorkspaceProps = {
  shell: Shell;
  list: ListBodyProps & { options: ListOptions };
  /** conversationPane(c, id) and sidebarPane(c, id) from the pane modules. */
  conversation: Child;
  sidebar: Child;
};

/**
 * The three panes: list, conversation, details. At phone width only one shows at a time: the list, or the open
 * conversation with a back link (and the details behind a toggle).
 */
export function WorkspacePage(props: WorkspaceProps) {
  const { shell, list } = props;
  const open = list.openId !== null;
  return (
    <AppLayout shell={shell}>
      <div id="workspace" class={`workspace${open ? " has-conversation" : ""}`} data-account-id={String(shell.accountId)}>
        <ConversationListPane {...list} csrf={shell.doc.csrfToken} />
        <div class="ws-main">
          <div class="ws-phone-bar">
            <a class="ws-back" href={listPageUrl(shell.accountId, list.state)} data-ws-back>
              <Icon name="arrowLeft" size={16} /> Conversations
            </a>
            <button type="button" class="btn btn-secondary btn-sm ws-details-toggle" data-ws-details aria-controls="sidebar-pane" aria-expanded="false">
              Details
            </button>
          </div>
          {props.conversation}
        </div>
        {props.sidebar}
      </div>
    </AppLayout>
  );
}
