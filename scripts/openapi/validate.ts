// The document checked against the OpenAPI 3.1 specification's own JSON Schema (and its JSON Schema
// dialect), by @seriousme/openapi-schema-validator. An ES module only: loaded by the command (tsx), not
// by jest.
import { Validator } from '@seriousme/openapi-schema-validator';

export interface Validation {
  valid: boolean;
  /** The OpenAPI version the validator read the document as (`3.1`). */
  version: string | undefined;
  /** The validator's findings, one line each. */
  errors: string[];
}

export const validateDocument = async (document: Record<string, unknown>): Promise<Validation> => {
  const validator = new Validator();
  // The validator keeps a reference; a copy leaves the caller's object as it was.
  const result = await validator.validate(structuredClone(document));
  const errors = Array.isArray(result.errors)
    ? result.errors.map(
        (error) => `${error.instancePath || '/'} ${error.message ?? ''} ${JSON.stringify(error.params)}`,
      )
    : result.errors
      ? [String(result.errors)]
      : [];
  return { valid: result.valid, version: validator.version, errors };
};
