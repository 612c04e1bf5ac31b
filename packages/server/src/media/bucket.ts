import {
  GetObjectCommand,
  HeadObjectCommand,
  PutObjectCommand,
  S3Client,
  S3ServiceException,
} from "@aws-sdk/client-s3";
import { getSignedUrl } from "@aws-sdk/s3-request-presigner";
import type { MediaBackend } from "./backend.js";

/** How to reach an S3-compatible service (AWS S3, MinIO, R2, Ceph, ...). */
export interface S3Options {
  /** The service's URL, for anything but AWS (`http://127.0.0.1:9000`). Default: AWS, or `AWS_ENDPOINT_URL_S3`. */
  endpoint?: string | undefined;
  /** The region. Default `AWS_REGION`, else `us-east-1`. */
  region?: string | undefined;
  /**
   * Address buckets as `endpoint/bucket/key` rather than `bucket.endpoint/key`, as MinIO and Ceph
   * need. Default: on when an endpoint is given.
   */
  forcePathStyle?: boolean | undefined;
  /** Keys; default the AWS SDK's chain (`AWS_ACCESS_KEY_ID` and `AWS_SECRET_ACCESS_KEY`, profiles, roles). */
  credentials?: { accessKeyId: string; secretAccessKey: string } | undefined;
  /** How long signed URLs (downloads and uploads) stay valid, in seconds. Default 3600. */
  signedUrlSeconds?: number | undefined;
}

/** A bucket and a key prefix, from `s3://bucket/prefix`. */
export interface BucketLocation {
  bucket: string;
  prefix: string;
}

/** The bucket and prefix of an `s3://bucket/prefix` location, or undefined for anything else (a folder). */
export function parseBucketLocation(location: string): BucketLocation | undefined {
  const match = /^s3:\/\/([^/]+)\/?(.*)$/.exec(location);
  if (!match) return undefined;
  return { bucket: match[1] as string, prefix: (match[2] as string).replace(/\/+$/, "") };
}

function isMissing(error: unknown): boolean {
  return (
    error instanceof S3ServiceException &&
    (error.$metadata.httpStatusCode === 404 || error.name === "NoSuchKey" || error.name === "NotFound")
  );
}

/** Files as objects of a bucket, through the AWS SDK; the browser reads them by signed URLs. */
export class BucketMedia implements MediaBackend {
  private readonly client: S3Client;
  private readonly ttl: number;

  constructor(
    private readonly where: BucketLocation,
    options: S3Options = {},
  ) {
    const endpoint = options.endpoint ?? process.env.AWS_ENDPOINT_URL_S3;
    this.client = new S3Client({
      region: options.region ?? process.env.AWS_REGION ?? "us-east-1",
      ...(endpoint ? { endpoint } : {}),
      forcePathStyle: options.forcePathStyle ?? endpoint !== undefined,
      ...(options.credentials ? { credentials: options.credentials } : {}),
      // Uploads of known size need no checksum trailer; some S3-compatible services refuse one.
      requestChecksumCalculation: "WHEN_REQUIRED",
      responseChecksumValidation: "WHEN_REQUIRED",
    });
    this.ttl = options.signedUrlSeconds ?? 3600;
  }

  get location(): string {
    return `s3://${this.where.bucket}/${this.where.prefix}`;
  }

  private objectKey(key: string): string {
    return `${this.where.prefix ? `${this.where.prefix}/` : ""}${key.slice(0, 2)}/${key}`;
  }

  async write(key: string, bytes: Uint8Array, contentType: string): Promise<void> {
    await this.client.send(
      new PutObjectCommand({
        Bucket: this.where.bucket,
        Key: this.objectKey(key),
        Body: bytes,
        ContentType: contentType,
      }),
    );
  }

  async read(key: string): Promise<Buffer | undefined> {
    try {
      const object = await this.client.send(
        new GetObjectCommand({ Bucket: this.where.bucket, Key: this.objectKey(key) }),
      );
      return object.Body ? Buffer.from(await object.Body.transformToByteArray()) : undefined;
    } catch (error) {
      if (isMissing(error)) return undefined;
      throw error;
    }
  }

  async has(key: string): Promise<boolean> {
    try {
      await this.client.send(new HeadObjectCommand({ Bucket: this.where.bucket, Key: this.objectKey(key) }));
      return true;
    } catch (error) {
      if (isMissing(error)) return false;
      throw error;
    }
  }

  downloadUrl(key: string): Promise<string> {
    return getSignedUrl(
      this.client,
      new GetObjectCommand({ Bucket: this.where.bucket, Key: this.objectKey(key) }),
      {
        expiresIn: this.ttl,
      },
    );
  }

  uploadUrl(key: string): Promise<string> {
    return getSignedUrl(
      this.client,
      new PutObjectCommand({ Bucket: this.where.bucket, Key: this.objectKey(key) }),
      {
        expiresIn: this.ttl,
      },
    );
  }

  async check(): Promise<void> {
    // A signed read of an object that need not exist: NoSuchKey shows the bucket is there and
    // takes these keys; NoSuchBucket, a refusal or no answer throws. (Some S3-compatible servers
    // check bucket-level requests' signatures differently from AWS, so HeadBucket is not asked.)
    try {
      const object = await this.client.send(
        new GetObjectCommand({ Bucket: this.where.bucket, Key: this.objectKey("00-readiness") }),
      );
      object.Body?.transformToByteArray().catch(() => {});
    } catch (error) {
      if ((error as Error).name !== "NoSuchKey") throw error;
    }
  }

  /** Closes the client's connections. */
  close(): void {
    this.client.destroy();
  }
}
