/** A dump asked for a dataset the key does not hold, by id or by name, or a name several have. */
export class UnknownDatasetError extends Error {
  override readonly name = "UnknownDatasetError";

  /**
   * @param dataset the id or name that was asked for
   * @param sameName the ids of the datasets that share that name, when more than one does
   */
  constructor(
    readonly dataset: string,
    readonly sameName: string[] = [],
  ) {
    super(
      sameName.length > 1
        ? `${sameName.length} datasets are named ${dataset} (${sameName.join(", ")}): give the id`
        : `No dataset ${dataset} for this key (by id or by name)`,
    );
  }
}
