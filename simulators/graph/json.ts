/** JSON values as they travel over the wire (no `undefined`, no `any`). */
export type Json = string | number | boolean | null | Json[] | JsonObject;
export interface JsonObject {
  [key: string]: Json;
}

export function isJsonObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Graph's date-time form: ISO 8601 in UTC. */
export function iso(date: Date | null | undefined): string | null {
  return date ? date.toISOString() : null;
}
