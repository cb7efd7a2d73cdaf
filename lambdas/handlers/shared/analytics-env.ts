/**
 * The environment variables that configure analytics (issue 19): the CDK construct sets them in
 * AWS, the local stack sets them for `npm start`. A function without them keeps no records and
 * answers the analytics routes 503 (a deployment without analytics).
 */
export const ANALYTICS_ENV = {
  /** AWS: the Firehose delivery stream priced bills' records go to. */
  stream: 'ANALYTICS_STREAM',
  /** Locally: the analytics root directory (spool/, lines/, peers.json). */
  dir: 'ANALYTICS_DIR',
  /** Tenants that turned analytics off, comma-separated (cdk.json `analytics.tenants.<id>.enabled: false`). */
  offTenants: 'ANALYTICS_OFF_TENANTS',
  /** AWS: the bucket that holds the Parquet files (`lines/`) and the peers' snapshot (`peers/latest.json`). */
  bucket: 'ANALYTICS_BUCKET',
  /** AWS: the Glue database of the lines table. */
  database: 'ANALYTICS_DATABASE',
  /** AWS: the Athena workgroup queries run in (its result location and bytes-scanned limit). */
  workgroup: 'ANALYTICS_WORKGROUP',
  /** Days records are kept (cdk.json `analytics.retentionDays`). */
  retentionDays: 'ANALYTICS_RETENTION_DAYS',
} as const;

/** The peers' snapshot's key in the analytics bucket, and its file name under the local root. */
export const PEER_SNAPSHOT_KEY = 'peers/latest.json';
/** Where the Parquet files go, under the bucket or the local root: `lines/tenant=<id>/month=<YYYY-MM>/`. */
export const LINES_PREFIX = 'lines/';
