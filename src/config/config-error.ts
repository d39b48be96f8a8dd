/**
 * Thrown for any invalid configuration, carrying every problem found so one start reports them all. Each
 * problem names the variable, says what is wrong and how to fix it; src/index.ts prints the message and exits.
 */
export class ConfigError extends Error {
  constructor(readonly problems: readonly string[]) {
    super(`PIM Bot configuration is invalid:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}
