import { useEffect, useRef, useSyncExternalStore } from "react";

/** A keyboard shortcut as the `?` dialog lists it. */
export interface Shortcut {
  /** Keys as `KeyboardEvent.key` values, e.g. `["ArrowLeft", "k"]`. */
  keys: string[];
  description: string;
  /** Where it works: `Everywhere`, `Grid`, `Item`, `Run`. */
  scope: string;
}

interface Registered extends Shortcut {
  handler: (event: KeyboardEvent) => void;
}

const registered = new Set<Registered>();
const listeners = new Set<() => void>();
let listed: Shortcut[] = [];

function publish(): void {
  listed = [...registered].map(({ keys, description, scope }) => ({ keys, description, scope }));
  for (const listener of listeners) listener();
}

/** True when typing goes to a field, where keys are text and not shortcuts. */
function typing(event: KeyboardEvent): boolean {
  const target = event.target as HTMLElement | null;
  if (!target) return false;
  if (target.isContentEditable) return true;
  const tag = target.tagName;
  if (tag === "TEXTAREA" || tag === "SELECT") return true;
  if (tag !== "INPUT") return false;
  const type = (target as HTMLInputElement).type;
  // A slider takes the arrow and paging keys only; checkboxes and buttons take none of ours.
  if (type === "range") return /^(Arrow|Page|Home|End)/.test(event.key);
  return !["checkbox", "radio", "button"].includes(type);
}

window.addEventListener("keydown", (event) => {
  if (event.defaultPrevented || event.metaKey || event.ctrlKey || event.altKey || typing(event)) return;
  // An open dialog keeps its keys (Escape closes it), except the one that toggles the shortcuts.
  if (event.key !== "?" && document.querySelector("dialog[open]")) return;
  // The newest registration wins: a dialog's Escape over the page's.
  for (const shortcut of [...registered].reverse()) {
    if (shortcut.keys.includes(event.key)) {
      event.preventDefault();
      shortcut.handler(event);
      return;
    }
  }
});

/**
 * Binds keys to a handler while the component is mounted, and lists them in the `?` dialog.
 *
 * @example
 * ```ts
 * useShortcut(["ArrowRight", "j"], "Next item", "Item", () => go(+1));
 * ```
 */
export function useShortcut(
  keys: string[],
  description: string,
  scope: string,
  handler: (event: KeyboardEvent) => void,
  enabled = true,
): void {
  const latest = useRef(handler);
  latest.current = handler;
  const id = keys.join(" ");
  useEffect(() => {
    if (!enabled) return;
    const entry: Registered = { keys: id.split(" "), description, scope, handler: (e) => latest.current(e) };
    registered.add(entry);
    publish();
    return () => {
      registered.delete(entry);
      publish();
    };
  }, [id, description, scope, enabled]);
}

/** The shortcuts that work right now. */
export function useShortcutList(): Shortcut[] {
  return useSyncExternalStore(
    (listener) => {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    () => listed,
  );
}
