/** @jsxImportSource hono/jsx */
/** "just now", "5 min ago", "3 h ago", "2 d ago", then the date; the exact UTC time is in the tooltip. */
export function relativeTime(at: number, now: number): string {
  const s = Math.max(0, Math.round((now - at) / 1000));
  if (s < 45) return "just now";
  const m = Math.round(s / 60);
  if (m < 60) return `${m} min ago`;
  const h = Math.round(m / 60);
  if (h < 24) return `${h} h ago`;
  const d = Math.round(h / 24);
  if (d < 7) return `${d} d ago`;
  return new Date(at).toISOString().slice(0, 10);
}

export function Time(props: { at: number; now: number }) {
  const iso = new Date(props.at).toISOString();
  return (
    <time datetime={iso} title={iso.replace("T", " ").slice(0, 19) + " UTC"}>
      {relativeTime(props.at, props.now)}
    </time>
  );
}
