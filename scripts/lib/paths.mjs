// Where everything lives: the checkout, the shared cache ($FTPY_HOME) and this
// checkout's private state (.cache/, git-ignored).
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

/** Caches shared by every checkout on this machine (never required: rebuilt when missing). */
export const ftpyHome = process.env.FTPY_HOME || path.join(os.homedir(), '.cache', 'ftpy');

/** State private to this checkout, so two checkouts never share an installed extension. */
export const checkoutCache = path.join(repoRoot, '.cache');

export const extensionsDir = path.join(checkoutCache, 'extensions');
export const examplesDir = path.join(repoRoot, 'examples');
