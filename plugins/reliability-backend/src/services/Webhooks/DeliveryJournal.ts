import { constants as fsConstants } from 'node:fs';
import { mkdir, open, readdir, readFile, rename, unlink, type FileHandle } from 'node:fs/promises';
import { join, resolve as resolvePath } from 'node:path';

/** `segment-<12-digit sequence>.jsonl`; nothing else in the directory is ever read or removed. */
const SEGMENT_NAME = /^segment-(\d{12})\.jsonl$/;

const segmentName = (sequence: number) => `segment-${String(sequence).padStart(12, '0')}.jsonl`;

/**
 * A sealed journal segment: no longer appended to, ready to be copied and removed.
 * @public
 */
export type JournalSegment = {
  /** File name inside the journal directory, `segment-<12-digit sequence>.jsonl`. */
  name: string;
  /** Sequence number; segments are sealed and should be replayed in this order. */
  sequence: number;
};

/**
 * Append-only journal of acknowledged webhook delivery rows on local disk: the durable buffer in
 * front of `delivery_events` on the embedded engine.
 *
 * Layout: one directory of segment files `segment-<sequence>.jsonl`, each a run of complete
 * `JSONEachRow` lines. {@link DeliveryJournal.append} writes one group commit with a single
 * `write(2)` on the open (active) segment and, with `sync` (the default), `fdatasync(2)` before it
 * resolves, so a caller answered after it has its rows on disk across a process kill *and* a power
 * loss. {@link DeliveryJournal.seal} closes the active segment; the next append opens a new one with
 * the next sequence, so a sealed segment never changes again. A new process never appends to a
 * segment of an earlier one: it starts after the highest sequence it finds.
 *
 * Why not a table: on chdb every statement costs 2.3–2.9 ms of CPU whatever it does (a MergeTree
 * insert 7–10 ms, an EmbeddedRocksDB insert 2.4–3.2 ms; bench/ingest/insert-cost.ts), which at
 * 100 group commits a second was a quarter of a core; an append plus `fdatasync` costs 45–100 µs
 * (measured 2026-11-22 on this VM's ext4: p50 0.17 ms, p99 0.55 ms with the sync).
 *
 * Torn tails: a process killed in the middle of a `write` can leave a partial last line, whose
 * rows were never acknowledged; {@link DeliveryJournal.read} returns a segment up to its last
 * newline. After a failed append the segment is sealed at once, so no later line follows a
 * partial one.
 *
 * Not safe for two processes on one directory (like the embedded engine's data directory, which
 * holds it).
 *
 * @public
 */
export class DeliveryJournal {
  readonly directory: string;
  readonly #sync: boolean;
  #nextSequence: number;
  #active: { handle: FileHandle; sequence: number } | undefined;
  /** Appends and seals run one after the other, in call order. */
  #chain: Promise<unknown> = Promise.resolve();
  #closed = false;

  private constructor(directory: string, sync: boolean, nextSequence: number) {
    this.directory = directory;
    this.#sync = sync;
    this.#nextSequence = nextSequence;
  }

  /**
   * Opens (creating if missing) the journal in `directory`. Segments already there, from an
   * earlier process, count as sealed.
   *
   * @param options.directory - journal directory; resolved against the working directory
   * @param options.sync - `fdatasync` each append before it resolves (default true)
   * @throws the file-system error when the directory cannot be created or listed
   */
  static async open(options: { directory: string; sync?: boolean }): Promise<DeliveryJournal> {
    const directory = resolvePath(options.directory);
    await mkdir(directory, { recursive: true });
    const existing = await listSegments(directory);
    const last = existing.length > 0 ? existing[existing.length - 1].sequence : 0;
    return new DeliveryJournal(directory, options.sync ?? true, last + 1);
  }

  /**
   * Appends complete lines (each ending in `\n`) to the active segment, opening a new segment if
   * none is open. Resolves once the bytes are written (and synced, see `sync`).
   *
   * @param data - UTF-8 text of one or more `JSONEachRow` lines, ending in a newline
   * @throws Error when `data` does not end in a newline or the journal is closed; the
   *   file-system error of a failed open, write or sync (the segment is then sealed, and the
   *   lines may or may not be in it)
   */
  append(data: string | Buffer): Promise<void> {
    const bytes = typeof data === 'string' ? Buffer.from(data) : data;
    if (bytes.length === 0 || bytes[bytes.length - 1] !== 0x0a) {
      return Promise.reject(new Error('Journal appends must end with a newline'));
    }
    return this.#serial(async () => {
      if (this.#closed) {
        throw new Error('The delivery journal is closed');
      }
      const active = await this.#openActive();
      try {
        let offset = 0;
        while (offset < bytes.length) {
          const { bytesWritten } = await active.handle.write(bytes, offset, bytes.length - offset);
          offset += bytesWritten;
        }
        if (this.#sync) {
          await active.handle.datasync();
        }
      } catch (error) {
        await this.#sealActive().catch(() => {});
        throw error;
      }
    });
  }

  /**
   * Seals the active segment (if one is open) and lists every sealed segment, oldest first.
   * Appends made after this call go to a new segment.
   *
   * @throws the file-system error of closing the segment or listing the directory
   */
  seal(): Promise<JournalSegment[]> {
    return this.#serial(async () => {
      await this.#sealActive();
      return listSegments(this.directory);
    });
  }

  /**
   * The complete lines of a sealed segment (a torn last line, never acknowledged, is left out).
   *
   * @throws Error for a name that is not a segment's; the file-system error of the read
   */
  async read(segment: JournalSegment): Promise<Buffer> {
    const content = await readFile(this.#segmentPath(segment));
    const end = content.lastIndexOf(0x0a);
    return content.subarray(0, end + 1);
  }

  /**
   * Deletes a sealed segment whose rows are stored elsewhere. Missing segments are ignored.
   *
   * @throws Error for a name that is not a segment's or the active segment; other file-system errors
   */
  async remove(segment: JournalSegment): Promise<void> {
    if (this.#active?.sequence === segment.sequence) {
      throw new Error(`Segment ${segment.name} is still being appended to`);
    }
    try {
      await unlink(this.#segmentPath(segment));
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') {
        throw error;
      }
    }
  }

  /**
   * Sets a sealed segment aside as `rejected-<name>` in the journal directory, where it is kept for
   * an operator and never read again (for rows ClickHouse refuses outright, so that one segment
   * does not stall every later one).
   *
   * @returns the rejected file's path
   * @throws Error for a name that is not a segment's or the active segment; file-system errors
   */
  async reject(segment: JournalSegment): Promise<string> {
    if (this.#active?.sequence === segment.sequence) {
      throw new Error(`Segment ${segment.name} is still being appended to`);
    }
    const target = join(this.directory, `rejected-${segment.name}`);
    await rename(this.#segmentPath(segment), target);
    return target;
  }

  /** Seals the active segment after the appends already made and refuses later ones. */
  async close(): Promise<void> {
    await this.#serial(async () => {
      this.#closed = true;
      await this.#sealActive();
    });
  }

  #serial<T>(task: () => Promise<T>): Promise<T> {
    const run = this.#chain.then(task, task);
    this.#chain = run.catch(() => {});
    return run;
  }

  async #openActive() {
    if (!this.#active) {
      const sequence = this.#nextSequence++;
      const handle = await open(
        join(this.directory, segmentName(sequence)),
        fsConstants.O_WRONLY | fsConstants.O_APPEND | fsConstants.O_CREAT | fsConstants.O_EXCL,
      );
      this.#active = { handle, sequence };
      if (this.#sync) {
        // the new file's directory entry must survive a power loss too
        await syncDirectory(this.directory);
      }
    }
    return this.#active;
  }

  async #sealActive() {
    const active = this.#active;
    this.#active = undefined;
    await active?.handle.close();
  }

  #segmentPath(segment: JournalSegment): string {
    if (!SEGMENT_NAME.test(segment.name) || segmentName(segment.sequence) !== segment.name) {
      throw new Error(`Not a journal segment: ${JSON.stringify(segment.name)}`);
    }
    return join(this.directory, segment.name);
  }
}

async function listSegments(directory: string): Promise<JournalSegment[]> {
  const segments: JournalSegment[] = [];
  for (const name of await readdir(directory)) {
    const match = SEGMENT_NAME.exec(name);
    if (match) {
      segments.push({ name, sequence: Number(match[1]) });
    }
  }
  return segments.sort((a, b) => a.sequence - b.sequence);
}

async function syncDirectory(directory: string) {
  const handle = await open(directory, fsConstants.O_RDONLY);
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}
