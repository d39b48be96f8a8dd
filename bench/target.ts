/** One goal of the bench: what was measured against what it should be, and on a miss why and what would fix it. */
export interface Target {
  name: string;
  measured: string;
  target: string;
  pass: boolean;
  why?: string;
  fix?: string;
}
