/** A field-level problem with a request, named by its JSON path ("lines[2].units"). */
export interface FieldError {
  readonly field: string;
  readonly errorMessage: string;
}

/**
 * A well-formed bill (or query) the engine cannot accept: answered 422 with every field error.
 * Nothing about the request is changed or stored.
 */
export class BillValidationError extends Error {
  override readonly name = 'BillValidationError';
  readonly errors: readonly FieldError[];

  constructor(message: string, errors: readonly FieldError[]) {
    super(message);
    this.errors = errors;
  }
}

/** Something asked for does not exist (an unknown code in a fee lookup, say): answered 404. */
export class NotFoundError extends Error {
  override readonly name = 'NotFoundError';
  readonly errors: readonly FieldError[];

  constructor(message: string, errors: readonly FieldError[] = []) {
    super(message);
    this.errors = errors;
  }
}
