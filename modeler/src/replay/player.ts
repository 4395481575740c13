/** Which step is shown, within 0…last, and playing: one step forward every `intervalMs` until the end. */
export class Player {
  private timer: ReturnType<typeof setInterval> | null = null;
  private current = 0;

  constructor(
    private readonly last: number,
    private readonly onStep: (step: number) => void,
    private readonly onPlaying: (playing: boolean) => void,
    private readonly intervalMs = 700,
  ) {}

  get step(): number {
    return this.current;
  }

  get playing(): boolean {
    return this.timer !== null;
  }

  go(step: number): void {
    const next = Math.max(0, Math.min(this.last, Math.trunc(step)));
    this.current = next;
    this.onStep(next);
  }

  forward(): void {
    this.go(this.current + 1);
  }

  back(): void {
    this.go(this.current - 1);
  }

  toggle(): void {
    if (this.playing) this.pause();
    else this.play();
  }

  play(): void {
    if (this.playing) return;
    // Play from the start when already at the end: the usual expectation of a player.
    if (this.current >= this.last) this.go(0);
    this.timer = setInterval(() => {
      this.forward();
      if (this.current >= this.last) this.pause();
    }, this.intervalMs);
    this.onPlaying(true);
  }

  pause(): void {
    if (this.timer === null) return;
    clearInterval(this.timer);
    this.timer = null;
    this.onPlaying(false);
  }
}
