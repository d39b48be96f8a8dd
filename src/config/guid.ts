import { z } from 'zod';

/** An Entra object, tenant or client id as the settings take it (case-insensitive). */
export const guid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** A comma-separated list of GUIDs (spaces and empty items ignored); `error` names the variable. */
export const guidList = (error: string) =>
  z
    .string()
    .transform((v) =>
      v
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean),
    )
    .pipe(z.array(z.string().regex(guid, { error })))
    .default([]);
