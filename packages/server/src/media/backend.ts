/** Where stored files live: a folder on this machine, or a bucket of an S3-compatible service. */
export interface MediaBackend {
  /** Where it keeps files, for messages: a folder path or `s3://bucket/prefix`. */
  readonly location: string;
  /**
   * Writes the bytes of a key. A folder writes them before returning; a bucket returns the
   * upload's promise.
   */
  write(key: string, bytes: Uint8Array, contentType: string): void | Promise<void>;
  /** The bytes of a key, or undefined when there are none. */
  read(key: string): Promise<Buffer | undefined>;
  /** Whether a key has bytes. */
  has(key: string): Promise<boolean>;
  /** The file of a key on this machine, for backends that keep files here. */
  pathOf?(key: string): string;
  /** A time-limited URL that GETs the bytes straight from where they are kept. */
  downloadUrl?(key: string): Promise<string>;
  /** A time-limited URL that takes a PUT of the bytes of a key straight to where they are kept. */
  uploadUrl?(key: string): Promise<string>;
  /** Throws when the files cannot be reached (for readiness checks). */
  check(): Promise<void>;
  /** Lets go of connections. */
  close?(): void;
}
