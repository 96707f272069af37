/** @jsxImportSource hono/jsx */
export type Availability = "online" | "busy" | "offline";

export const AVAILABILITY_LABELS: Record<Availability, string> = { online: "Online", busy: "Busy", offline: "Offline" };

function initials(name: string): string {
  const parts = name.trim().split(/\s+/).filter(Boolean);
  const letters = parts.length > 1 ? parts[0][0] + parts[parts.length - 1][0] : (parts[0] ?? "?").slice(0, 2);
  return letters.toUpperCase();
}

/** A stable tint per name, so people are recognisable at a glance. */
function tint(name: string): number {
  let h = 0;
  for (const ch of name) h = (h * 31 + ch.charCodeAt(0)) >>> 0;
  return h % 6;
}

export function Avatar(props: { name: string; url?: string | null; size?: "sm" | "md" | "lg"; status?: Availability }) {
  const size = props.size ?? "md";
  return (
    <span class={`avatar avatar-${size} avatar-tint-${tint(props.name)}`}>
      {props.url ? <img src={props.url} alt="" /> : <span class="avatar-initials">{initials(props.name)}</span>}
      {props.status ? <span class={`status-dot status-${props.status}`} data-status={props.status} title={AVAILABILITY_LABELS[props.status]}></span> : null}
    </span>
  );
}
