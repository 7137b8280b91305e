import { SqlValidationError } from '../errors.js';
import type { Identifier } from '../sql/ast.js';

/**
 * Whether an identifier as written names `name`: quoted identifiers match exactly, unquoted ones
 * case-insensitively (KDA and Flink upper-case or keep case; we accept both).
 */
export function identifierMatches(id: Identifier, name: string): boolean {
  return id.quoted ? id.name === name : id.name.toUpperCase() === name.toUpperCase();
}

/**
 * The one of `candidates` an identifier names; an exact match wins over case-insensitive ones.
 * Throws {@link SqlValidationError} when several differ only in case.
 */
export function findByIdentifier<T>(
  id: Identifier,
  candidates: readonly T[],
  nameOf: (candidate: T) => string,
  what: string,
): T | undefined {
  let exact: T | undefined;
  const loose: T[] = [];
  for (const candidate of candidates) {
    const name = nameOf(candidate);
    if (name === id.name) exact = candidate;
    else if (!id.quoted && name.toUpperCase() === id.name.toUpperCase()) loose.push(candidate);
  }
  if (exact !== undefined) return exact;
  if (loose.length > 1) {
    throw new SqlValidationError(
      id.position,
      `${what} "${id.name}" is ambiguous: ${loose.map((c) => `"${nameOf(c)}"`).join(', ')}; quote the name to pick one`,
    );
  }
  return loose[0];
}

/** The names of `items` for "choices" lists in messages. */
export function listNames(names: readonly string[]): string {
  return names.length === 0 ? '(none)' : names.join(', ');
}
