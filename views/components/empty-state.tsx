/** @jsxImportSource hono/jsx */
import type { Child } from "hono/jsx";
import { Icon, type IconName } from "./icon.tsx";

export function EmptyState(props: { icon: IconName; title: string; children: Child; actions?: Child }) {
  return (
    <div class="empty-state">
      <div class="empty-illustration" aria-hidden="true">
        <span class="empty-ring"></span>
        <span class="empty-icon">
          <Icon name={props.icon} size={26} />
        </span>
      </div>
      <h2 class="empty-title">{props.title}</h2>
      <div class="empty-text">{props.children}</div>
      {props.actions ? <div class="empty-actions">{props.actions}</div> : null}
    </div>
  );
}
