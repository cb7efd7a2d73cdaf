/**
 * A small JSON Schema (2020-12 / draft-07 subset) checker for the tests: enough for the schemas
 * the OpenAPI document holds, so that real answers can be checked against `/openapi.json` itself
 * without a new package. A keyword it does not know is an error, never silently passed.
 */

type Schema = Record<string, unknown> | boolean;

/** Keywords that say nothing about validity. */
const ANNOTATIONS = new Set(['description', 'examples', 'default', 'title', '$schema', 'format']);

const HANDLED = new Set([
  '$ref',
  'type',
  'enum',
  'const',
  'properties',
  'required',
  'additionalProperties',
  'items',
  'prefixItems',
  'anyOf',
  'oneOf',
  'allOf',
  'pattern',
  'minLength',
  'maxLength',
  'minimum',
  'maximum',
  'minItems',
  'maxItems',
  'propertyNames',
]);

function typeOf(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  return typeof value;
}

function hasType(value: unknown, type: string): boolean {
  switch (type) {
    case 'integer':
      return typeof value === 'number' && Number.isInteger(value);
    case 'number':
      return typeof value === 'number' && Number.isFinite(value);
    default:
      return typeOf(value) === type;
  }
}

function equal(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

/**
 * Checks a value against a schema of an OpenAPI document (`$ref`s resolve in the document).
 *
 * @param value - the parsed JSON value
 * @param schema - a schema object of the document
 * @param document - the whole document, for `#/...` references
 * @param path - where the value is, for the messages
 * @returns one message per violation; empty when the value conforms
 */
export function checkJsonSchema(
  value: unknown,
  given: object | boolean,
  document: unknown,
  path = '$',
): string[] {
  if (given === true) return [];
  if (given === false) return [`${path}: no value is allowed here`];
  const schema = given as Record<string, unknown>;
  const errors: string[] = [];
  for (const keyword of Object.keys(schema)) {
    if (!HANDLED.has(keyword) && !ANNOTATIONS.has(keyword)) {
      errors.push(`${path}: the checker does not know the keyword ${keyword}`);
    }
  }
  const ref = schema.$ref;
  if (typeof ref === 'string') {
    if (!ref.startsWith('#/')) return [`${path}: external reference ${ref}`];
    let target: unknown = document;
    for (const part of ref.slice(2).split('/')) {
      target = (target as Record<string, unknown> | undefined)?.[
        part.replaceAll('~1', '/').replaceAll('~0', '~')
      ];
    }
    if (target === undefined) return [`${path}: unresolved reference ${ref}`];
    errors.push(...checkJsonSchema(value, target as Schema, document, path));
  }
  const type = schema.type;
  if (type !== undefined) {
    const types = Array.isArray(type) ? (type as string[]) : [type as string];
    if (!types.some((t) => hasType(value, t))) {
      return [...errors, `${path}: expected ${types.join(' or ')}, got ${typeOf(value)}`];
    }
  }
  if (Array.isArray(schema.enum) && !schema.enum.some((e) => equal(e, value))) {
    errors.push(`${path}: ${JSON.stringify(value)} is not one of ${JSON.stringify(schema.enum)}`);
  }
  if ('const' in schema && !equal(schema.const, value)) {
    errors.push(`${path}: expected ${JSON.stringify(schema.const)}`);
  }
  if (typeof value === 'string') {
    if (typeof schema.pattern === 'string' && !new RegExp(schema.pattern, 'u').test(value)) {
      errors.push(`${path}: ${JSON.stringify(value.slice(0, 80))} does not match ${schema.pattern}`);
    }
    if (typeof schema.minLength === 'number' && [...value].length < schema.minLength) {
      errors.push(`${path}: shorter than ${schema.minLength}`);
    }
    if (typeof schema.maxLength === 'number' && [...value].length > schema.maxLength) {
      errors.push(`${path}: longer than ${schema.maxLength}`);
    }
  }
  if (typeof value === 'number') {
    if (typeof schema.minimum === 'number' && value < schema.minimum)
      errors.push(`${path}: below ${schema.minimum}`);
    if (typeof schema.maximum === 'number' && value > schema.maximum)
      errors.push(`${path}: above ${schema.maximum}`);
  }
  if (Array.isArray(value)) {
    if (typeof schema.minItems === 'number' && value.length < schema.minItems)
      errors.push(`${path}: too few items`);
    if (typeof schema.maxItems === 'number' && value.length > schema.maxItems)
      errors.push(`${path}: too many items`);
    // A tuple (2020-12): the first items by position, `items` for the rest (false: none).
    const prefix = Array.isArray(schema.prefixItems) ? (schema.prefixItems as Schema[]) : [];
    prefix.forEach((itemSchema, i) => {
      if (i < value.length) errors.push(...checkJsonSchema(value[i], itemSchema, document, `${path}[${i}]`));
    });
    if (schema.items !== undefined) {
      value.forEach((item, i) => {
        if (i < prefix.length) return;
        errors.push(...checkJsonSchema(item, schema.items as Schema, document, `${path}[${i}]`));
      });
    }
  }
  if (typeOf(value) === 'object') {
    const object = value as Record<string, unknown>;
    const properties = (schema.properties ?? {}) as Record<string, Schema>;
    for (const name of (schema.required ?? []) as string[]) {
      if (!Object.hasOwn(object, name)) errors.push(`${path}: missing ${name}`);
    }
    for (const [name, item] of Object.entries(object)) {
      if (schema.propertyNames !== undefined) {
        errors.push(
          ...checkJsonSchema(name, schema.propertyNames as Schema, document, `${path} key ${name}`),
        );
      }
      if (Object.hasOwn(properties, name)) {
        errors.push(...checkJsonSchema(item, properties[name] as Schema, document, `${path}.${name}`));
      } else if (schema.additionalProperties !== undefined) {
        errors.push(
          ...checkJsonSchema(item, schema.additionalProperties as Schema, document, `${path}.${name}`).map(
            (e) => (schema.additionalProperties === false ? `${path}: ${name} is not declared` : e),
          ),
        );
      }
    }
  }
  if (Array.isArray(schema.allOf)) {
    for (const sub of schema.allOf as Schema[]) errors.push(...checkJsonSchema(value, sub, document, path));
  }
  if (Array.isArray(schema.anyOf)) {
    const results = (schema.anyOf as Schema[]).map((sub) => checkJsonSchema(value, sub, document, path));
    if (!results.some((r) => r.length === 0)) {
      errors.push(`${path}: matches none of anyOf (${results.map((r) => r[0]).join(' | ')})`);
    }
  }
  if (Array.isArray(schema.oneOf)) {
    const passing = (schema.oneOf as Schema[]).filter(
      (sub) => checkJsonSchema(value, sub, document, path).length === 0,
    ).length;
    if (passing !== 1) errors.push(`${path}: matches ${passing} of oneOf, not exactly one`);
  }
  return errors;
}

/**
 * The schema of an operation's answer with this status in an OpenAPI document (`default` when
 * the status is not listed).
 *
 * @param document - the OpenAPI document
 * @param method - the HTTP method
 * @param path - the path template, as in `paths`
 * @param status - the HTTP status of the answer
 * @returns the schema, or undefined when the operation declares no such answer
 */
export function answerSchema(
  document: unknown,
  method: string,
  path: string,
  status: number,
): Schema | undefined {
  const operation = (document as { paths: Record<string, Record<string, unknown>> }).paths[path]?.[
    method.toLowerCase()
  ] as { responses?: Record<string, { content?: Record<string, { schema?: Schema }> }> } | undefined;
  const response = operation?.responses?.[String(status)] ?? operation?.responses?.default;
  return response?.content?.['application/json']?.schema;
}
