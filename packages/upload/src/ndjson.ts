import { createReadStream } from "node:fs";
import { createInterface } from "node:readline";

/**
 * Reads an NDJSON file of wire objects (Nucleus' snake_case, as the official client writes
 * them) line by line, in constant memory, yielding them in camelCase through `codec`. A line
 * that is not JSON stops the read with an error naming the line.
 *
 * @example
 * ```ts
 * import { Annotation } from "@nucleus/schemas";
 * for await (const annotation of readNdjson("annotations.ndjson", Annotation)) console.log(annotation.type);
 * ```
 */
export async function* readNdjson<D>(path: string, codec: { fromWire(wire: never): D }): AsyncGenerator<D> {
  const lines = createInterface({ input: createReadStream(path), crlfDelay: Number.POSITIVE_INFINITY });
  let number = 0;
  for await (const line of lines) {
    number += 1;
    if (line.trim() === "") continue;
    let wire: unknown;
    try {
      wire = JSON.parse(line);
    } catch (error) {
      throw new Error(`${path}:${number}: not valid JSON (${(error as Error).message})`);
    }
    yield codec.fromWire(wire as never);
  }
}
