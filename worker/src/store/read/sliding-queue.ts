import type { Sketch, SketchMerger } from "./sketch-merger.ts";

/**
 * The merge of a sliding run of keyed sketches (minutes or hours), as a queue with aggregates:
 * the "two stacks" scheme. Units enter at the back in ascending key order and leave at the
 * front; the back keeps one running merge of what entered since the last flip, the front holds
 * suffix merges (front[i] = merge of its units i…end), built in one backward pass when the front
 * runs out. So each unit costs at most two merges over its life (one fold at the back, one in
 * the flip) and a window costs one more: O(1) amortised per step instead of O(window).
 *
 * Memory: at most the units of one window (raw at the back, one suffix merge each at the front).
 */
export class SlidingQueue {
  private readonly merger: SketchMerger;
  /** Units pushed since the last flip, keys ascending; all newer than the front's. */
  private back: { key: number; sketch: Sketch }[] = [];
  /** Merge of `back`; owned (may be folded into) only when `backOwned`. */
  private backMerge: Sketch | null = null;
  private backOwned = false;
  /** Suffix merges of the units flipped last, keys ascending; those before `frontAt` have left. */
  private front: { key: number; merge: Sketch }[] = [];
  private frontAt = 0;

  constructor(merger: SketchMerger) {
    this.merger = merger;
  }

  /** Appends a unit; keys must ascend across pushes (until {@link clear}). */
  push(key: number, sketch: Sketch): void {
    this.back.push({ key, sketch });
    if (this.backMerge === null) {
      this.backMerge = sketch;
    } else if (this.backOwned) {
      this.merger.fold(this.backMerge, sketch);
    } else {
      this.backMerge = this.merger.merge([this.backMerge, sketch]);
      this.backOwned = true;
    }
  }

  /** Drops every unit whose key is below `key`. */
  dropBefore(key: number): void {
    for (;;) {
      while (this.frontAt < this.front.length && this.front[this.frontAt].key < key) this.frontAt++;
      if (this.frontAt < this.front.length || this.back.length === 0 || this.back[0].key >= key) return;
      this.flip();
    }
  }

  /** The merges that together cover every unit in the queue: zero, one or two sketches. */
  parts(): Sketch[] {
    const out: Sketch[] = [];
    if (this.frontAt < this.front.length) out.push(this.front[this.frontAt].merge);
    if (this.backMerge !== null) out.push(this.backMerge);
    return out;
  }

  /** Empties the queue (when the next window does not overlap the last). */
  clear(): void {
    this.back = [];
    this.backMerge = null;
    this.backOwned = false;
    this.front = [];
    this.frontAt = 0;
  }

  /** Moves the back into the front as suffix merges, newest first. */
  private flip(): void {
    const units = this.back;
    const front: { key: number; merge: Sketch }[] = new Array(units.length);
    let suffix = units[units.length - 1].sketch;
    front[units.length - 1] = { key: units[units.length - 1].key, merge: suffix };
    for (let i = units.length - 2; i >= 0; i--) {
      suffix = this.merger.merge([units[i].sketch, suffix])!;
      front[i] = { key: units[i].key, merge: suffix };
    }
    this.front = front;
    this.frontAt = 0;
    this.back = [];
    this.backMerge = null;
    this.backOwned = false;
  }
}
