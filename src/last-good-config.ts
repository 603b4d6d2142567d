// The last config that validated, kept in DATA_DIR so that a typo plus a restart (a PM2 reload is one) never
// takes the site down: a process whose new config is invalid runs on the last good one and says so loudly.
// I/O at the edge: reads feeds/ and the environment given, reads and writes one file beside the store.
import { closeSync, constants, fstatSync, fsyncSync, mkdirSync, openSync, readFileSync, renameSync, rmSync, writeSync } from 'node:fs';
import path from 'node:path';
import { CONFIG_VARS, ConfigError, loadConfig, readAgencyFiles, type AgencyFileText, type Config, type ConfigScope } from './config.js';

/** The file, in DATA_DIR. It holds the agency files as they were and the non-secret variables, never a secret value. */
export const LAST_GOOD_FILE = 'last-good-config.json';

interface LastGood {
  version: 1;
  savedAt: string;
  env: Record<string, string>;
  agencies: AgencyFileText[];
}

export interface ConfigOutcome {
  config: Config;
  /** Set when the config as it is now could not be used: what was wrong, and what runs instead. */
  degraded?: { error: ConfigError; message: string };
}

type Env = Record<string, string | undefined>;

function dataDirOf(env: Env, cwd: string): string {
  return path.resolve(cwd, env.DATA_DIR || './data');
}

function agenciesDirOf(env: Env, cwd: string): string {
  return path.join(path.resolve(cwd, env.FEEDS_DIR || './feeds'), 'agencies');
}

export function readLastGood(dataDir: string): LastGood | undefined {
  try {
    // Never through a symbolic link, never anything but a regular file (a FIFO would block the start).
    const fd = openSync(path.join(dataDir, LAST_GOOD_FILE), constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK);
    let text: string;
    try {
      if (!fstatSync(fd).isFile()) return undefined;
      text = readFileSync(fd, 'utf8');
    } finally {
      closeSync(fd);
    }
    const v = JSON.parse(text) as LastGood;
    if (v?.version !== 1 || !Array.isArray(v.agencies) || typeof v.env !== 'object') return undefined;
    return v;
  } catch {
    return undefined;
  }
}

/** Written to a temporary name, flushed, then renamed over the old one: a reader sees the old or the new file, whole. */
function writeLastGood(dataDir: string, value: LastGood): void {
  // A first start runs before the store has made its folder.
  mkdirSync(dataDir, { recursive: true });
  const file = path.join(dataDir, LAST_GOOD_FILE);
  const tmp = `${file}.tmp-${process.pid}`;
  // O_EXCL: a file (or a symbolic link) left or planted under the temporary name is removed, never written through.
  rmSync(tmp, { force: true });
  const fd = openSync(tmp, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW, 0o600);
  try {
    writeSync(fd, `${JSON.stringify(value, null, 1)}\n`);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  // rename() replaces the name itself, a symbolic link included, not what it points to.
  renameSync(tmp, file);
}

function savedEnv(env: Env): Record<string, string> {
  const out: Record<string, string> = {};
  for (const k of CONFIG_VARS) if (env[k] !== undefined) out[k] = env[k]!;
  return out;
}

/**
 * The config to run with. Valid now: it is used and, with `save`, kept as the last good one (when it differs).
 * Invalid now: the last good one, tried as closely as it goes (the new variables with the old agency files, the
 * old variables with the new files, then both old), with `degraded` naming the file, key and problem. No last
 * good config: the ConfigError is thrown (only a first start refuses to start). `scope: 'web'` needs only what
 * the web tier uses (config.ts), so an agency file's typo in a key the web does not read never stops it.
 */
export function loadConfigOrLastGood(env: Env, cwd: string, opts: { save: boolean; scope?: ConfigScope; log?: (msg: string) => void }): ConfigOutcome {
  const dataDir = dataDirOf(env, cwd);
  let error: ConfigError;
  try {
    // The web tier validates the whole config too, to report it; it runs on its own scope either way.
    const full = loadConfig(env, cwd);
    if (opts.save) {
      const agenciesDir = agenciesDirOf(env, cwd);
      const value: LastGood = { version: 1, savedAt: new Date().toISOString(), env: savedEnv(env), agencies: readAgencyFiles(agenciesDir) };
      const before = readLastGood(dataDir);
      const same = before && JSON.stringify(before.env) === JSON.stringify(value.env) && JSON.stringify(before.agencies) === JSON.stringify(value.agencies);
      if (!same) {
        try {
          writeLastGood(dataDir, value);
        } catch (e) {
          opts.log?.(`could not keep the last good config in ${path.join(dataDir, LAST_GOOD_FILE)}: ${(e as Error).message}`);
        }
      }
    }
    return { config: opts.scope === 'web' ? loadConfig(env, cwd, { scope: 'web' }) : full };
  } catch (e) {
    if (!(e instanceof ConfigError)) throw e;
    error = e;
  }
  // The web tier first tries the new files for what it needs: a typo elsewhere is the worker's to fall back from.
  if (opts.scope === 'web') {
    try {
      const config = loadConfig(env, cwd, { scope: 'web' });
      return { config, degraded: { error, message: `config error: ${error.message}; the web tier serves with what it needs of the new files, the worker keeps its last good config` } };
    } catch {
      // fall through to the last good config
    }
  }
  const last = readLastGood(dataDir);
  if (last === undefined) throw error;
  // The variables as they were (one set since then is unset again); secrets and the folders stay as they are now.
  const oldEnv: Env = { ...env };
  for (const k of CONFIG_VARS) delete oldEnv[k];
  Object.assign(oldEnv, last.env);
  const attempts: [Env, readonly AgencyFileText[] | undefined][] = [
    [env, last.agencies],
    [oldEnv, undefined],
    [oldEnv, last.agencies],
  ];
  for (const [e, files] of attempts) {
    try {
      const config = loadConfig(e, cwd, { scope: opts.scope ?? 'all', ...(files ? { agencyFiles: files } : {}) });
      return { config, degraded: { error, message: `config error: ${error.message}; running on the last good config (validated ${last.savedAt})` } };
    } catch (err) {
      if (!(err instanceof ConfigError)) throw err;
    }
  }
  throw error;
}
