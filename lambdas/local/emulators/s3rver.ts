/**
 * s3rver in process: the S3-compatible server behind the local SmartBill store (`npm start` and the
 * adapter tests). It stores objects under a directory, answers on loopback only, and does not
 * verify SigV4 signatures (ENVIRONMENT.md): never rely on it for an access check; the local edge
 * does the checking CloudFront does.
 */
import { mkdir } from 'node:fs/promises';
import { S3Client } from '@aws-sdk/client-s3';
import S3rver from 's3rver';

/** The credentials s3rver accepts (its README, "Supported clients"); they open nothing in AWS. */
export const S3RVER_CREDENTIALS = { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' } as const;

/** The region the local S3 client names (s3rver ignores it; the SDK needs one). */
export const S3RVER_REGION = 'us-east-1';

/** Options of {@link startS3rver}. */
export interface StartS3rverOptions {
  /** Directory that holds the buckets (created if missing). */
  readonly directory: string;
  /**
   * Loopback port to listen on.
   *
   * @default 0 (a free port)
   */
  readonly port?: number;
  /**
   * Buckets to create before the server answers (each is kept if it already exists).
   *
   * @default []
   */
  readonly buckets?: readonly string[];
}

/** A running s3rver. */
export interface RunningS3rver {
  /** `http://127.0.0.1:<port>`: pass to {@link s3rverClient} or to `new S3Client({ endpoint })`. */
  readonly endpoint: string;
  readonly port: number;
  /** Closes the server (and the connections clients keep alive); the directory is kept. */
  stop(): Promise<void>;
}

/**
 * Starts s3rver in this process, creating the buckets first.
 *
 * @param options - data directory, port and buckets
 * @returns its endpoint and a stop function
 */
export async function startS3rver(options: StartS3rverOptions): Promise<RunningS3rver> {
  await mkdir(options.directory, { recursive: true, mode: 0o700 });
  const server = new S3rver({
    address: '127.0.0.1',
    port: options.port ?? 0,
    silent: true,
    directory: options.directory,
    // Path-style only: `<bucket>.127.0.0.1` would not resolve.
    vhostBuckets: false,
    configureBuckets: (options.buckets ?? []).map((name) => ({ name })),
  });
  const { port } = await server.run();
  return {
    endpoint: `http://127.0.0.1:${port}`,
    port,
    stop: async () => {
      const closed = server.close();
      server.httpServer?.closeAllConnections();
      await closed;
    },
  };
}

/**
 * An S3 client for s3rver: path-style addressing (s3rver has no virtual-host DNS) and its fixed
 * fake credentials, so the SDK never looks for real ones.
 *
 * @param endpoint - {@link RunningS3rver.endpoint}
 * @returns a client for that server
 */
export function s3rverClient(endpoint: string): S3Client {
  return new S3Client({
    endpoint,
    region: S3RVER_REGION,
    forcePathStyle: true,
    credentials: S3RVER_CREDENTIALS,
  });
}
