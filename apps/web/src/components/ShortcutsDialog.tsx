import { useEffect, useRef, useState } from "react";
import { useShortcut, useShortcutList } from "../state/shortcuts.js";

const NAMES: Record<string, string> = {
  ArrowLeft: "←",
  ArrowRight: "→",
  ArrowUp: "↑",
  ArrowDown: "↓",
  Escape: "Esc",
  Enter: "Enter",
  " ": "Space",
};

/** The `?` dialog: every shortcut that works on the current page, by scope. */
export function ShortcutsDialog() {
  const [open, setOpen] = useState(false);
  const dialog = useRef<HTMLDialogElement>(null);
  const shortcuts = useShortcutList();
  useShortcut(["?"], "Show the keyboard shortcuts", "Everywhere", () => setOpen((o) => !o));

  useEffect(() => {
    const element = dialog.current;
    if (!element) return;
    if (open && !element.open) element.showModal();
    if (!open && element.open) element.close();
  }, [open]);

  const scopes = [...new Set(shortcuts.map((s) => s.scope))];
  return (
    <dialog
      ref={dialog}
      className="shortcuts"
      aria-labelledby="shortcuts-title"
      onClose={() => setOpen(false)}
    >
      <header>
        <h2 id="shortcuts-title">Keyboard shortcuts</h2>
        <button type="button" className="ghost" onClick={() => setOpen(false)} aria-label="Close">
          ✕
        </button>
      </header>
      {scopes.map((scope) => (
        <section key={scope}>
          <h3>{scope}</h3>
          <dl>
            {shortcuts
              .filter((s) => s.scope === scope)
              .map((s) => (
                <div key={`${s.scope}-${s.description}`}>
                  <dt>
                    {s.keys.map((k) => (
                      <kbd key={k}>{NAMES[k] ?? k}</kbd>
                    ))}
                  </dt>
                  <dd>{s.description}</dd>
                </div>
              ))}
          </dl>
        </section>
      ))}
    </dialog>
  );
}

/** Opens the shortcuts dialog as if `?` was pressed. */
export function openShortcuts(): void {
  window.dispatchEvent(new KeyboardEvent("keydown", { key: "?" }));
}
