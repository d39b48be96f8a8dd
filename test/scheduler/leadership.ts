/**
 * Who believes they lead, from the instances' own onLead/onLose: `most` is the largest number that ever
 * did at the same time since `from()` was last called (every callback counted, nothing sampled).
 */
export class Leadership {
  current = 0;
  most = 0;
  lead(): void {
    this.current++;
    this.most = Math.max(this.most, this.current);
  }
  lose(): void {
    this.current--;
  }
  from(): void {
    this.most = this.current;
  }
}
