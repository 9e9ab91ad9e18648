import { isAbsolute, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root (sync-server/src/../..). */
export const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));

/** The built app served by sync-server. */
export const APP_DIST_DIR = resolve(REPO_ROOT, 'app/dist');

/**
 * Resolves DATA_DIR. A relative path is taken from where the user ran npm
 * (`INIT_CWD`), so `.data/` lands at the repository root for `npm start`.
 */
export function resolveDataDir(dataDir: string, initCwd: string | undefined): string {
  return isAbsolute(dataDir) ? dataDir : resolve(initCwd ?? process.cwd(), dataDir);
}
