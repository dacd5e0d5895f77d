const MAX_DETAIL_CHARS = 240;

/**
 * The ledger's detail texts ("HTTP 503 ...", "ErrorCode: message"), stored once and referenced by
 * slot: a fixed number of slots reused round-robin. An entry keeps its slot's generation, so an
 * entry whose text was since replaced reads "(detail no longer kept)" instead of someone else's text.
 */
export class DetailTable {
  private readonly texts: string[];
  private readonly generations: Uint32Array;
  private readonly slots = new Map<string, number>();
  private nextSlot = 1; // slot 0 is the empty detail

  constructor(private readonly size: number) {
    this.texts = new Array<string>(size).fill('');
    this.generations = new Uint32Array(size);
  }

  intern(text: string): { slot: number; generation: number } {
    if (text === '') return { slot: 0, generation: 0 };
    const clipped = text.length > MAX_DETAIL_CHARS ? `${text.slice(0, MAX_DETAIL_CHARS)}…` : text;
    let slot = this.slots.get(clipped);
    if (slot === undefined) {
      slot = this.nextSlot;
      this.nextSlot = this.nextSlot + 1 >= this.size ? 1 : this.nextSlot + 1;
      this.slots.delete(this.texts[slot]);
      this.texts[slot] = clipped;
      this.generations[slot]++;
      this.slots.set(clipped, slot);
    }
    return { slot, generation: this.generations[slot] };
  }

  get(slot: number, generation: number): string {
    if (slot === 0) return '';
    return this.generations[slot] === generation ? this.texts[slot] : '(detail no longer kept)';
  }
}
