/**
 * Collects the output of one `transform()` call so it leaves as a single chunk. Views that follow
 * each other in the same buffer are merged, so a chunk whose events all pass unchanged goes out as
 * one view of the input: no copy at all.
 */
export class ByteQueue {
  private parts: Uint8Array[] = [];
  private length = 0;

  push(bytes: Uint8Array): void {
    if (bytes.length === 0) return;
    const lastIndex = this.parts.length - 1;
    const last = this.parts[lastIndex];
    if (last && last.buffer === bytes.buffer && last.byteOffset + last.length === bytes.byteOffset) {
      this.parts[lastIndex] = new Uint8Array(last.buffer, last.byteOffset, last.length + bytes.length);
    } else {
      this.parts.push(bytes);
    }
    this.length += bytes.length;
  }

  /** Everything pushed since the last call, as one chunk, or undefined when nothing was. */
  take(): Uint8Array | undefined {
    const { parts, length } = this;
    if (parts.length === 0) return undefined;
    this.parts = [];
    this.length = 0;
    return parts.length === 1 ? parts[0] : concatBytes(parts, length);
  }
}

/** `parts` copied one after another into a new array of `length` bytes (their total). */
export function concatBytes(parts: readonly Uint8Array[], length: number): Uint8Array {
  const out = new Uint8Array(length);
  let at = 0;
  for (const part of parts) {
    out.set(part, at);
    at += part.length;
  }
  return out;
}
