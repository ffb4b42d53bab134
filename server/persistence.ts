/** Keeps the store in `DIR/state.json`: loaded at start, written atomically (temp file + rename) after changes. */
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { NotificationStore, StoreSnapshot } from './store';

export interface Persistence {
  /** Writes any pending change now. */
  flush(): Promise<void>;
  stop(): Promise<void>;
}

export async function attachPersistence(store: NotificationStore, dir: string, delayMs = 50): Promise<Persistence> {
  await mkdir(dir, { recursive: true });
  const file = join(dir, 'state.json');
  try {
    store.loadSnapshot(JSON.parse(await readFile(file, 'utf8')) as StoreSnapshot);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw new Error(`cannot read ${file}: ${String(error)}`);
  }

  let timer: NodeJS.Timeout | null = null;
  let writing: Promise<void> = Promise.resolve();
  const write = () => {
    timer = null;
    const text = JSON.stringify(store.toSnapshot());
    writing = writing.then(async () => {
      await writeFile(`${file}.tmp`, text);
      await rename(`${file}.tmp`, file);
    });
    return writing;
  };
  const unsubscribe = store.onChange(() => {
    timer ??= setTimeout(() => void write(), delayMs);
  });
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
