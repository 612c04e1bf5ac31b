import type { NucleusClient } from "@nucleus/core";
import { UsageError } from "./args.js";
import type { Context } from "./command.js";
import { CliError } from "./output.js";

const DATASET_ID = /^ds_[0-9a-z]+$/;

/**
 * Resolves what a user typed for a dataset (an id, or a name) to a dataset id. An id-shaped value
 * is taken as it is; a name must match exactly one dataset (several matches are an error that
 * lists them, so a user can pick by id).
 */
export async function resolveDatasetId(client: NucleusClient, ref: string): Promise<string> {
  if (DATASET_ID.test(ref)) return ref;
  const datasets = await client.listDatasets();
  const byId = datasets.find((d) => d.id === ref);
  if (byId) return byId.id;
  const named = datasets.filter((d) => d.name === ref);
  if (named.length === 1) return (named[0] as { id: string }).id;
  if (named.length === 0)
    throw new CliError(
      "No such dataset",
      `No dataset has the id or name "${ref}"`,
      "List them with `nu datasets list`",
    );
  throw new CliError(
    "Ambiguous dataset name",
    `${named.length} datasets are named "${ref}": ${named.map((d) => d.id).join(", ")}`,
    "Pass one of those ids instead",
  );
}

/**
 * The dataset named by `--dataset` (an id or a name), resolved to its id; a usage error when
 * the flag is missing.
 */
export async function datasetFlag(c: Context, flag = "dataset"): Promise<string> {
  const ref = c.flag(flag);
  if (!ref) throw new UsageError(`--${flag} is required (a dataset id or name; see nu datasets list)`);
  return resolveDatasetId(c.client(), ref);
}
