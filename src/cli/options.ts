import { InvalidArgumentError } from 'commander';
import { CATEGORIES, type Category, isCategory } from '../domain/categories.js';

// Option values checked where they are read, so a typo is named at once instead of surfacing as a
// database error ("datatype mismatch") or as an empty list that looks like "nothing there".

/** `--limit n`: a whole number of at least 1. */
export function positiveInt(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError('must be a whole number of at least 1');
  return n;
}

/** `--category id`: one of the AUP category ids. */
export function categoryId(value: string): Category {
  if (!isCategory(value)) throw new InvalidArgumentError(`not a category id; one of: ${CATEGORIES.join(', ')}`);
  return value;
}

/** A value from a fixed list. */
export function oneOf<T extends string>(values: readonly T[]): (value: string) => T {
  return (value) => {
    if (!(values as readonly string[]).includes(value)) throw new InvalidArgumentError(`must be one of: ${values.join(', ')}`);
    return value as T;
  };
}
