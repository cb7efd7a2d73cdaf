/**
 * The AWS SDK packages the SmartBill adapters use, loaded when first called instead of when the
 * module is imported (issue 17, 4(d)): the pricing function's cold start then pays for the fee
 * index only, and the first request that makes a SmartBill link pays for the clients it uses.
 *
 * Why not `import()` of the adapter modules: the functions are bundled into one ESM file with the
 * SDK left external (lib/constructs/node-function.ts), and esbuild hoists every external *static*
 * import of a bundled module to the top of that file, even one reached only through a dynamic
 * `import()` or never used, so the SDK would still load at init. A call of a `createRequire`
 * function is left as it is and runs when called; Node caches the module after the first call, as
 * it would an import. The packages' own `main` is their CommonJS build, which an `import` of them
 * resolves to as well (they declare no `exports` map), so tests' clients and mocks share one copy.
 * Type-only imports are erased and cost nothing.
 */
import { createRequire } from 'node:module';

const load = createRequire(import.meta.url);

/**
 * Loaders of the SDK packages, one per package. An object rather than separate exports so a test
 * can make one fail (`vi.spyOn(awsSdk, 'lambda')`) as a missing or broken package would.
 */
export const awsSdk = {
  /** @returns `@aws-sdk/client-s3` */
  s3: (): typeof import('@aws-sdk/client-s3') => load('@aws-sdk/client-s3'),
  /** @returns `@aws-sdk/client-dynamodb` */
  dynamoDb: (): typeof import('@aws-sdk/client-dynamodb') => load('@aws-sdk/client-dynamodb'),
  /** @returns `@aws-sdk/client-sfn` */
  sfn: (): typeof import('@aws-sdk/client-sfn') => load('@aws-sdk/client-sfn'),
  /** @returns `@aws-sdk/client-lambda` */
  lambda: (): typeof import('@aws-sdk/client-lambda') => load('@aws-sdk/client-lambda'),
  /** @returns `@aws-sdk/client-secrets-manager` */
  secretsManager: (): typeof import('@aws-sdk/client-secrets-manager') =>
    load('@aws-sdk/client-secrets-manager'),
  /** @returns `@aws-sdk/cloudfront-signer` */
  cloudFrontSigner: (): typeof import('@aws-sdk/cloudfront-signer') => load('@aws-sdk/cloudfront-signer'),
};
