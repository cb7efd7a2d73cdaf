/**
 * The part of s3rver 3.7's programmatic API the local stack uses (the package ships no types).
 * See node_modules/s3rver/README.md, "Class: S3rver".
 */
declare module 's3rver' {
  interface S3rverOptions {
    /** Host/IP to bind to. @default 'localhost' */
    address?: string;
    /** 0 picks a free port. @default 4568 */
    port?: number;
    /** Suppress its request log. @default false */
    silent?: boolean;
    /** Data directory: one folder per bucket. */
    directory?: string;
    /** Remove all bucket data when the server closes. @default false */
    resetOnClose?: boolean;
    /** Buckets created before the server listens. */
    configureBuckets?: ReadonlyArray<{ name: string; configs?: ReadonlyArray<string | Buffer> }>;
    /** Accept signatures that do not match (it checks only the S3RVER/S3RVER credentials). @default false */
    allowMismatchedSignatures?: boolean;
    /** Virtual-host-style bucket addressing. @default true */
    vhostBuckets?: boolean;
  }

  class S3rver {
    constructor(options?: S3rverOptions);
    /** Creates the configured buckets and listens; resolves with the bound address. */
    run(): Promise<{ address: string; family: string; port: number }>;
    close(): Promise<void>;
    /** The listening server (set by run()). */
    httpServer?: import('node:http').Server;
  }

  export default S3rver;
}
