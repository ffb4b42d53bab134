/**
 * Keeps the store in `DIR/state.json`: loaded at start, written atomically (temp file + rename) after changes. The
 * file holds digests of tokens and session ids, and everyone's notifications: it is readable by its owner only.
 */
import { chmod, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { preparePrivateDir } from './data-dir';
import type { MemoryStore } from './memory-store';

export interface Persistence {
  /** Writes any pending change now. */
  flush(): Promise<void>;
  stop(): Promise<void>;
}

export async function attachPersistence(
  store: MemoryStore,
  dir: string,
  log: (line: string) => void,
  delayMs = 50,
): Promise<Persistence> {
  const tightened = await preparePrivateDir(dir);
  if (tightened) log(tightened);
  const file = join(dir, 'state.json');
  let migrated = false;
  try {
    migrated = store.loadSnapshot(JSON.parse(await readFile(file, 'utf8')));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw new Error(`cannot read ${file}: ${String(error)}`);
  }

  let timer: NodeJS.Timeout | null = null;
  let writing: Promise<void> = Promise.resolve();
  const write = () => {
    timer = null;
    const text = JSON.stringify(store.toSnapshot());
    writing = writing.then(async () => {
      // A temp file left by a crash may have other permissions: writeFile's mode applies to new files only.
      await rm(`${file}.tmp`, { force: true });
      await writeFile(`${file}.tmp`, text, { mode: 0o600 });
      await chmod(`${file}.tmp`, 0o600); // exact, whatever the umask
      await rename(`${file}.tmp`, file);
    });
    return writing;
  };
  const unsubscribe = store.onChange(() => {
    timer ??= setTimeout(() => void write(), delayMs);
  });
  // An older file held plaintext secrets: replace it now, not at the next change.
  if (migrated) await write();
  const flush = async () => {
    if (timer) {
      clearTimeout(timer);
      await write();
    }
    await writing;
  };
  return {
    flush,
    async stop() {
      unsubscribe();
      await flush();
    },
  };
}
