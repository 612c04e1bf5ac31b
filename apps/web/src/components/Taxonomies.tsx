import type { Taxonomy } from "@nucleus/core";
import { labelColor } from "../labels/colors.js";
import { Section } from "./Controls.js";

/** A dataset's taxonomies: each one's name, kind and labels. */
export function TaxonomyList({ taxonomies }: { taxonomies: readonly Taxonomy[] }) {
  return (
    <Section title="Taxonomies" id="taxonomies-title">
      <ul className="taxonomies">
        {taxonomies.map((taxonomy) => (
          <li key={taxonomy.name} data-taxonomy={taxonomy.name}>
            <div className="taxonomy-head">
              <span className="taxonomy-name">{taxonomy.name}</span>
              <span className="muted small">
                {taxonomy.type === "multicategory" ? "multi-category" : "category"} · {taxonomy.labels.length}{" "}
                {taxonomy.labels.length === 1 ? "label" : "labels"}
              </span>
            </div>
            <div className="chips">
              {taxonomy.labels.map((label) => (
                <span key={label} className="chip">
                  <i style={{ background: labelColor(label) }} />
                  {label}
                </span>
              ))}
            </div>
          </li>
        ))}
      </ul>
    </Section>
  );
}
