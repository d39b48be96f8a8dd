/**
 * Reads a lookup table by a user-typed key without reaching the prototype: "__proto__" or
 * "constructor" typed in chat must find nothing, not Object.prototype's members.
 */
export function own<V>(table: Readonly<Record<string, V>>, key: string): V | undefined {
  return Object.hasOwn(table, key) ? table[key] : undefined;
}
