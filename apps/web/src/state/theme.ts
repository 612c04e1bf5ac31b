import { useSyncExternalStore } from "react";

/** The colour theme: the system's, or one chosen. Only this preference is kept in the browser. */
export type Theme = "light" | "dark";

const KEY = "nucleus-theme";
const listeners = new Set<() => void>();
const media = window.matchMedia("(prefers-color-scheme: dark)");

function chosen(): Theme | null {
  const value = localStorage.getItem(KEY);
  return value === "light" || value === "dark" ? value : null;
}

/** The theme in effect. */
export function currentTheme(): Theme {
  return chosen() ?? (media.matches ? "dark" : "light");
}

function apply(): void {
  document.documentElement.dataset.theme = currentTheme();
  for (const listener of listeners) listener();
}

media.addEventListener("change", apply);
apply();

/** Switches between light and dark, and remembers the choice. */
export function toggleTheme(): void {
  localStorage.setItem(KEY, currentTheme() === "dark" ? "light" : "dark");
  apply();
}

/** The theme in effect, re-rendering when it changes. */
export function useTheme(): Theme {
  return useSyncExternalStore((listener) => {
    listeners.add(listener);
    return () => listeners.delete(listener);
  }, currentTheme);
}
