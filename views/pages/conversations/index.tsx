/** @jsxImportSource hono/jsx */
import { Icon } from "../../components/icon.tsx";

/** Every keyboard shortcut of the dashboard (static/js/workspace.js dispatches them). */
export const SHORTCUTS: { keys: string[][]; label: string }[] = [
  { keys: [["j"], ["Alt", "↓"]], label: "Next conversation" },
  { keys: [["k"], ["Alt", "↑"]], label: "Previous conversation" },
  { keys: [["r"]], label: "Reply" },
  { keys: [["n"]], label: "Private note" },
  { keys: [["e"]], label: "Resolve" },
  { keys: [["a"]], label: "Assign to me" },
  { keys: [["/"], ["Ctrl", "K"]], label: "Search" },
  { keys: [["?"]], label: "Show keyboard shortcuts" },
  { keys: [["Esc"]], label: "Leave a text field, close this dialog" },
];

/** The cheat sheet opened with `?`. Rendered once per page by the app layout. */
export function ShortcutsDialog() {
  return (
    <dialog id="shortcuts-dialog" class="shortcuts-dialog" aria-labelledby="shortcuts-title">
      <div class="shortcuts-head">
        <h2 id="shortcuts-title">Keyboard shortcuts</h2>
        <button type="button" class="icon-button" data-close-dialog aria-label="Close">
          <Icon name="x" size={16} />
        </button>
      </div>
      <p class="shortcuts-hint">Shortcuts work anywhere in the dashboard except while you type in a text field.</p>
      <dl class="shortcuts-list">
        {SHORTCUTS.map((s) => (
          <div class="shortcuts-item">
            <dt>
              {s.keys.map((combo, i) => (
                <>
                  {i > 0 ? <span class="shortcuts-or">or</span> : null}
                  {combo.map((k) => (
                    <kbd>{k}</kbd>
                  ))}
                </>
              ))}
            </dt>
            <dd>{s.label}</dd>
          </div>
        ))}
      </dl>
    </dialog>
  );
}
