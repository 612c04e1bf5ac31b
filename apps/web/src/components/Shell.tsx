import type { ReactNode } from "react";
import { useSession } from "../api/session.js";
import { toggleTheme, useTheme } from "../state/theme.js";
import { Link } from "./Link.js";
import { openShortcuts } from "./ShortcutsDialog.js";

/** One step of the breadcrumb trail. */
export interface Crumb {
  label: string;
  href?: string;
}

/** The frame of every signed-in page: a slim bar with where you are, the theme, help and sign-out. */
export function Shell({
  crumbs,
  actions,
  children,
}: {
  crumbs: Crumb[];
  actions?: ReactNode;
  children: ReactNode;
}) {
  const { signOut } = useSession();
  const theme = useTheme();
  return (
    <div className="shell">
      <header className="topbar">
        <Link href="/" className="brand" aria-label="Nucleus: all datasets">
          <svg viewBox="0 0 32 32" width="18" height="18" aria-hidden="true">
            <circle cx="16" cy="16" r="6" fill="currentColor" />
            <circle
              cx="16"
              cy="16"
              r="13"
              fill="none"
              stroke="currentColor"
              strokeWidth="2.5"
              strokeDasharray="6 4"
            />
          </svg>
          Nucleus
        </Link>
        <nav aria-label="Breadcrumb" className="crumbs">
          <ol>
            {crumbs.map((crumb, i) => (
              <li key={crumb.href ?? crumb.label}>
                {crumb.href && i < crumbs.length - 1 ? (
                  <Link href={crumb.href}>{crumb.label}</Link>
                ) : (
                  <span aria-current={i === crumbs.length - 1 ? "page" : undefined}>{crumb.label}</span>
                )}
              </li>
            ))}
          </ol>
        </nav>
        <div className="topbar-actions">
          {actions}
          <button type="button" className="ghost" onClick={toggleTheme} title="Switch theme (t)">
            {theme === "dark" ? "Light" : "Dark"} theme
          </button>
          <button type="button" className="ghost" onClick={openShortcuts} title="Keyboard shortcuts (?)">
            Shortcuts <kbd>?</kbd>
          </button>
          <button type="button" className="ghost" onClick={() => void signOut()}>
            Sign out
          </button>
        </div>
      </header>
      <main className="main">{children}</main>
    </div>
  );
}
