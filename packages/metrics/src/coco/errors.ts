/**
 * Thrown for input that cannot be evaluated; the message names the entry and the field.
 *
 * @example
 * ```ts
 * import { CocoInputError, evaluateCoco } from "@nucleus/metrics";
 *
 * try {
 *   evaluateCoco({ images: [], categories: [], annotations: [] }, [{ image_id: 1, category_id: 1, score: 1 }]);
 * } catch (error) {
 *   if (error instanceof CocoInputError) console.error(error.message);
 * }
 * ```
 */
export class CocoInputError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "CocoInputError";
  }
}
