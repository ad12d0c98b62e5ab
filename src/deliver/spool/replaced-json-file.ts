/**
 * A small JSON file the spool keeps beside its segments (cursors, open
 * sessions), replaced whole on each save: written to a temporary file, then
 * renamed over the old one, so a reader finds the old or the new content,
 * never half of one. Saves are coalesced: while one is under way, later
 * ones are merged into a single next write.
 *
 * No fsync: these files only say how far delivery got. Should a power loss
 * lose the latest rename, the older content makes events be sent again
 * (with their ids, so deduplicated), never lost; a process crash loses
 * nothing written, since the page cache survives it.
 */
import { readFileSync } from 'node:fs';
import { rename, writeFile } from 'node:fs/promises';

export class ReplacedJsonFile<T> {
  private latest: T | undefined;
  private writing: Promise<void> | undefined;
  private dirty = false;

  constructor(readonly path: string) {}

  /** The content on disk; `undefined` when there is none or it cannot be read as JSON. Synchronous: read once, at open. */
  load(): unknown {
    try {
      return JSON.parse(readFileSync(this.path, 'utf8')) as unknown;
    } catch {
      return undefined;
    }
  }

  /** Saves `value` soon; never throws (a failed save leaves the older content, which is safe). */
  save(value: T): void {
    this.latest = value;
    this.dirty = true;
    this.writing ??= this.drain();
  }

  /** Resolves once every save so far is on disk. */
  async settled(): Promise<void> {
    while (this.writing) await this.writing;
  }

  private async drain(): Promise<void> {
    try {
      while (this.dirty) {
        this.dirty = false;
        const temporary = `${this.path}.tmp`;
        try {
          await writeFile(temporary, JSON.stringify(this.latest), { mode: 0o600 });
          await rename(temporary, this.path);
        } catch {
          // disk full or gone: the previous content stays, which only means more re-sending
        }
      }
    } finally {
      this.writing = undefined;
    }
  }
}
