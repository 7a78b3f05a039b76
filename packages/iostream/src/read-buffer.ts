const EMPTY = Buffer.alloc(0);

/** Chunks up to this size are tiny: kept by reference until many pile up, then copied into a shared slab. */
const SMALL_CHUNK = 512;
const SLAB_SIZE = 16 * 1024;
/** Unread entries from which tiny chunks are coalesced; below it they cost no copy. */
const COALESCE_AFTER = 32;
/** Consumed entries at the front of the chunk array are dropped in one splice once there are this many. */
const COMPACT_AFTER = 64;

/**
 * The unread bytes of a stream: a list of chunks, an offset into the first one and a byte count.
 * Nothing is ever concatenated as a whole: `consume` hands out a view when one chunk holds the bytes
 * and copies once otherwise, and `indexOf` resumes where the previous search stopped.
 *
 * Once COALESCE_AFTER entries are unread, tiny chunks (a peer writing a byte at a time) are copied
 * into 16 KiB slabs, together with the tiny entries just before them, so the number of entries stays
 * bounded by the bytes held; a few small chunks, the common case, are kept as they are.
 */
export class ReadBuffer {
  #chunks: Buffer[] = [];
  /** Index in #chunks of the first chunk with unread bytes. */
  #head = 0;
  /** Bytes of #chunks[#head] already consumed. */
  #offset = 0;
  #length = 0;
  #slab: Buffer = EMPTY;
  #slabUsed = 0;
  /** Where in #slab the newest chunk starts when that chunk is a slab run that can still grow; -1 otherwise. */
  #slabRun = -1;
  /** Set by #locate: the chunk holding a logical position and that chunk's logical start. */
  #cursorChunk = 0;
  #cursorStart = 0;

  /** Number of unread bytes. */
  get length(): number {
    return this.#length;
  }

  /** Unread bytes in the first chunk: what `consume` can return without copying. */
  get contiguous(): number {
    return this.#length === 0 ? 0 : this.#chunks[this.#head].length - this.#offset;
  }

  /** Appends `chunk`, by reference unless it is tiny and many entries are already unread. */
  push(chunk: Buffer): void {
    const n = chunk.length;
    if (n === 0) return;
    this.#length += n;
    if (n > SMALL_CHUNK) {
      this.#chunks.push(chunk);
      this.#slabRun = -1;
    } else if (this.#slabRun >= 0 && this.#slabUsed + n <= this.#slab.length) {
      chunk.copy(this.#slab, this.#slabUsed);
      this.#slabUsed += n;
      this.#chunks[this.#chunks.length - 1] = this.#slab.subarray(this.#slabRun, this.#slabUsed);
    } else if (this.#chunks.length - this.#head < COALESCE_AFTER) {
      this.#chunks.push(chunk);
      this.#slabRun = -1;
    } else {
      this.#coalesce(chunk);
    }
  }

  /** Puts `chunk` (by reference) in front of the unread bytes, so it is consumed first. */
  unshift(chunk: Buffer): void {
    const n = chunk.length;
    if (n === 0) return;
    if (this.#length === 0) {
      this.#chunks.length = 0;
      this.#head = 0;
      this.#offset = 0;
      this.#slabRun = -1;
      this.#chunks.push(chunk);
      this.#length = n;
      return;
    }
    const chunks = this.#chunks;
    if (this.#offset > 0) {
      // The new first chunk has no offset of its own: trim the old one instead (a growing slab run starts later too).
      if (this.#head === chunks.length - 1 && this.#slabRun >= 0) this.#slabRun += this.#offset;
      chunks[this.#head] = chunks[this.#head].subarray(this.#offset);
      this.#offset = 0;
    }
    if (this.#head > 0) chunks[--this.#head] = chunk;
    else chunks.unshift(chunk);
    this.#length += n;
  }

  /**
   * Removes and returns the first `n` unread bytes (`n <= length`): a view into the chunk when one
   * chunk holds them all, else one copy into a fresh buffer.
   */
  consume(n: number): Buffer {
    if (n === 0) return EMPTY;
    const first = this.#chunks[this.#head];
    const start = this.#offset;
    if (first.length - start >= n) {
      const out = first.subarray(start, start + n);
      this.#skip(n);
      return out;
    }
    const out = Buffer.allocUnsafe(n);
    this.copyOut(out, 0, n);
    return out;
  }

  /** Removes the first `n` unread bytes (`n <= length`), copying them into `target` at `targetStart`. */
  copyOut(target: Uint8Array, targetStart: number, n: number): void {
    let copied = 0;
    while (copied < n) {
      const chunk = this.#chunks[this.#head];
      const take = Math.min(chunk.length - this.#offset, n - copied);
      chunk.copy(target, targetStart + copied, this.#offset, this.#offset + take);
      copied += take;
      this.#skip(take);
    }
  }

  /**
   * Position (from the first unread byte) where `needle` starts, looking only at matches that start
   * at or after `from`; -1 when there is none yet. Cost is proportional to the bytes after `from`.
   */
  indexOf(needle: Buffer, from: number): number {
    const d = needle.length;
    if (from < 0) from = 0;
    if (this.#length - from < d) return -1;
    this.#locate(from);
    const chunks = this.#chunks;
    const last = chunks.length - 1;
    let k = this.#cursorChunk;
    let start = this.#cursorStart;
    let base = k === this.#head ? this.#offset : 0;
    let local = base + (from - start);
    for (; k <= last; k++) {
      const chunk = chunks[k];
      // A one-byte needle is searched as a number: a memchr, without Node's substring-search setup.
      const hit = d === 1 ? chunk.indexOf(needle[0], local) : chunk.indexOf(needle, local);
      if (hit !== -1) return start + (hit - base);
      if (d > 1 && k < last) {
        // A match straddling the boundary starts within the last d - 1 bytes of this chunk.
        const first = needle[0];
        for (let p = Math.max(local, chunk.length - d + 1); p < chunk.length; p++) {
          if (chunk[p] === first && this.#matchesFrom(k, p, needle)) return start + (p - base);
        }
      }
      start += chunk.length - base;
      base = 0;
      local = 0;
    }
    return -1;
  }

  /** The unread bytes from position `from` to the end as a latin1 string (one char per byte). */
  latin1(from: number): string {
    if (from >= this.#length) return '';
    this.#locate(from);
    const chunks = this.#chunks;
    let k = this.#cursorChunk;
    const base = k === this.#head ? this.#offset : 0;
    let text = chunks[k].toString('latin1', base + (from - this.#cursorStart));
    for (k++; k < chunks.length; k++) text += chunks[k].toString('latin1');
    return text;
  }

  /** Starts a slab run with the tiny entries at the end (as many as fit in a slab) followed by `chunk`. */
  #coalesce(chunk: Buffer): void {
    const chunks = this.#chunks;
    let first = chunks.length;
    let size = chunk.length;
    while (first > this.#head) {
      const entry = chunks[first - 1];
      const unread = first - 1 === this.#head ? entry.length - this.#offset : entry.length;
      if (entry.length > SMALL_CHUNK || size + unread > SLAB_SIZE) break;
      size += unread;
      first--;
    }
    if (this.#slabUsed + size > this.#slab.length) {
      this.#slab = Buffer.allocUnsafe(SLAB_SIZE);
      this.#slabUsed = 0;
    }
    const slab = this.#slab;
    const start = this.#slabUsed;
    let end = start;
    for (let k = first; k < chunks.length; k++) end += chunks[k].copy(slab, end, k === this.#head ? this.#offset : 0);
    end += chunk.copy(slab, end);
    if (first === this.#head) this.#offset = 0;
    chunks.length = first;
    chunks.push(slab.subarray(start, end));
    this.#slabRun = start;
    this.#slabUsed = end;
  }

  /** Finds the chunk holding logical position `pos` (< length), walking back from the newest chunk. */
  #locate(pos: number): void {
    const chunks = this.#chunks;
    let k = chunks.length - 1;
    let start = this.#length;
    for (;;) {
      start -= k === this.#head ? chunks[k].length - this.#offset : chunks[k].length;
      if (start <= pos) break;
      k--;
    }
    this.#cursorChunk = k;
    this.#cursorStart = start;
  }

  /** True when `needle` occurs at byte `p` of chunk `k`, possibly running on into later chunks. */
  #matchesFrom(k: number, p: number, needle: Buffer): boolean {
    const chunks = this.#chunks;
    let chunk = chunks[k];
    for (let i = 0; i < needle.length; i++) {
      if (p === chunk.length) {
        if (++k === chunks.length) return false;
        chunk = chunks[k];
        p = 0;
      }
      if (chunk[p++] !== needle[i]) return false;
    }
    return true;
  }

  /** Advances past `n` bytes that all lie in the first chunk. */
  #skip(n: number): void {
    this.#length -= n;
    if (this.#length === 0) {
      this.#chunks.length = 0;
      this.#head = 0;
      this.#offset = 0;
      this.#slabRun = -1;
      return;
    }
    this.#offset += n;
    if (this.#offset < this.#chunks[this.#head].length) return;
    this.#chunks[this.#head] = EMPTY;
    this.#head++;
    this.#offset = 0;
    if (this.#head >= COMPACT_AFTER && this.#head * 2 >= this.#chunks.length) {
      this.#chunks.splice(0, this.#head);
      this.#head = 0;
    }
  }
}
