/** Time source injected into the simulators so tests move time instead of sleeping. */
export interface Clock {
  now(): Date;
}

export const systemClock: Clock = { now: () => new Date() };

/** A clock that starts at real time (or `start`) and moves only when told to. */
export class ManualClock implements Clock {
  private offsetMs = 0;
  private frozenAt: number | undefined;

  constructor(start?: Date) {
    if (start) this.frozenAt = start.getTime();
  }

  now(): Date {
    return new Date((this.frozenAt ?? Date.now()) + this.offsetMs);
  }

  advance(ms: number): void {
    if (ms < 0) throw new RangeError('The clock only moves forward.');
    this.offsetMs += ms;
  }

  set(to: Date): void {
    const current = this.now().getTime();
    if (to.getTime() < current) throw new RangeError('The clock only moves forward.');
    this.offsetMs += to.getTime() - current;
  }
}
