/**
 * A FIFO with O(1) push/shift at both ends, used by the segment buffer. Arrays' `shift()` is O(n)
 * on large queues; this keeps a head index and compacts occasionally instead.
 */
export class Deque<T> {
  private items: (T | undefined)[] = [];
  private head = 0;

  get length(): number {
    return this.items.length - this.head;
  }

  push(item: T): void {
    this.items.push(item);
  }

  /** Puts an item back at the front (a batch returned for retry goes ahead of newer data). */
  unshift(item: T): void {
    if (this.head > 0) this.items[--this.head] = item;
    else this.items.unshift(item);
  }

  peek(): T | undefined {
    return this.length > 0 ? this.items[this.head] : undefined;
  }

  shift(): T | undefined {
    if (this.length === 0) return undefined;
    const item = this.items[this.head];
    this.items[this.head++] = undefined;
    if (this.head >= 1024 && this.head * 2 >= this.items.length) {
      this.items = this.items.slice(this.head);
      this.head = 0;
    }
    return item;
  }

  /** The items, first to last (a copy). */
  toArray(): T[] {
    return this.items.slice(this.head) as T[];
  }
}
