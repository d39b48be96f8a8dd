/** What may be logged of an error: no request objects, no headers. */
export function errorSummary(err: unknown): { name: string; message: string; code?: string; stack?: string } {
  if (err instanceof Error) {
    const code = (err as { code?: unknown }).code;
    return {
      name: err.name,
      message: err.message,
      code: typeof code === 'string' ? code : undefined,
      stack: err.stack,
    };
  }
  return { name: 'NonError', message: String(err) };
}
