/*
 * A local store's files in the origin private file system (OPFS), as seen
 * from a tab (the sweep) and from the leader's worker (opening it).
 *
 * A store being created carries a sibling marker file `<name>.creating`
 * from before PGlite's initdb until its migrations are applied. A worker
 * killed in between (a reload during the first start, the OS killing the
 * tab) leaves a half-written data folder that PGlite never finishes opening:
 * the next leader found the marker, so it deletes the folder and creates the
 * store again. Nothing is lost: no tab can write before the migrations are
 * applied (PGlite connects tabs only once `init` has returned).
 */

/** The marker of a store whose creation has not finished. */
export const creationMarkerOf = (name: string) => `${name}.creating`;

const isNotFound = (err: unknown) => (err as { name?: string } | null)?.name === 'NotFoundError';

async function exists(dir: FileSystemDirectoryHandle, name: string): Promise<boolean> {
  for (const get of [() => dir.getDirectoryHandle(name), () => dir.getFileHandle(name)]) {
    try {
      await get();
      return true;
    } catch (err) {
      // TypeMismatchError: it is the other kind; NotFoundError: not there.
      if (!isNotFound(err) && (err as { name?: string } | null)?.name !== 'TypeMismatchError') throw err;
    }
  }
  return false;
}

async function removeQuietly(dir: FileSystemDirectoryHandle, name: string): Promise<void> {
  try {
    await dir.removeEntry(name, { recursive: true });
  } catch (err) {
    if (!isNotFound(err)) throw err;
  }
}

/**
 * Run by the leader's worker before it opens store `name`: deletes a store
 * whose creation was cut, and marks a store about to be created. Returns the
 * call to make once the store is complete (migrations applied).
 */
export async function prepareStore(name: string): Promise<() => Promise<void>> {
  const root = await navigator.storage.getDirectory();
  const marker = creationMarkerOf(name);
  if (await exists(root, marker)) await removeQuietly(root, name);
  else if (await exists(root, name)) return async () => {};
  await root.getFileHandle(marker, { create: true });
  return () => removeQuietly(root, marker);
}

/** Deletes store `name` and its marker; false when a worker still holds it open (NoModificationAllowedError). */
export async function removeStore(name: string): Promise<boolean> {
  try {
    const root = await navigator.storage.getDirectory();
    await removeQuietly(root, name);
    await removeQuietly(root, creationMarkerOf(name));
    return true;
  } catch {
    return false;
  }
}
