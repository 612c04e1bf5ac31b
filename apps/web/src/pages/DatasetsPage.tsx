import { listDatasetSummaries } from "../api/catalog.js";
import { useResource } from "../api/resource.js";
import { useClient } from "../api/session.js";
import { Link } from "../components/Link.js";
import { Shell } from "../components/Shell.js";
import { Empty, ErrorState, Loading } from "../components/States.js";

/** Every dataset of the session: its size, runs and slices, each a link. */
export function DatasetsPage() {
  const client = useClient();
  const datasets = useResource("datasets", () => listDatasetSummaries(client));
  let body: React.ReactNode;
  if (datasets.status === "loading") body = <Loading what="the datasets" />;
  else if (datasets.status === "error")
    body = <ErrorState error={datasets.error} retry={datasets.reload} what="the datasets" />;
  else if (datasets.data.length === 0)
    body = (
      <Empty title="No datasets yet">
        <p>
          Create one and upload images from a terminal: <code>nu datasets create "my data"</code>, then{" "}
          <code>nu upload images --dataset "my data" ./images</code>. Or run <code>npm run quickstart</code>{" "}
          in the repository for a demo dataset with two model runs.
        </p>
        <button type="button" onClick={datasets.reload}>
          Look again
        </button>
      </Empty>
    );
  else
    body = (
      <table className="data-table datasets">
        <thead>
          <tr>
            <th scope="col">Dataset</th>
            <th scope="col" className="num">
              Items
            </th>
            <th scope="col">Model runs</th>
            <th scope="col">Slices</th>
          </tr>
        </thead>
        <tbody>
          {datasets.data.map((d) => (
            <tr key={d.id}>
              <th scope="row">
                <Link href={`/datasets/${encodeURIComponent(d.id)}`}>{d.name}</Link>
                <div className="muted small">
                  <code>{d.id}</code>
                </div>
              </th>
              <td className="num">{d.items.toLocaleString()}</td>
              <td>
                {d.runs.length === 0 ? <span className="muted">none</span> : null}
                <ul className="inline-list">
                  {d.runs.map((r) => (
                    <li key={r.id}>
                      <Link href={`/runs/${encodeURIComponent(r.id)}`}>{r.name}</Link>
                    </li>
                  ))}
                </ul>
              </td>
              <td>
                {d.slices.length === 0 ? <span className="muted">none</span> : null}
                <ul className="inline-list">
                  {d.slices.map((s) => (
                    <li key={s.id}>
                      <Link href={`/datasets/${encodeURIComponent(d.id)}?slice=${encodeURIComponent(s.id)}`}>
                        {s.name}
                      </Link>
                    </li>
                  ))}
                </ul>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    );
  return (
    <Shell crumbs={[{ label: "Datasets" }]}>
      <div className="page">
        <h1>Datasets</h1>
        {body}
      </div>
    </Shell>
  );
}
