import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/** A throw-away app folder: an entry script plus whatever files a test writes next to it. */
export interface TempApp {
  readonly dir: string;
  readonly script: string;
  /** Writes a file relative to the app folder and returns its absolute path. */
  write(name: string, content: string): string;
  remove(): void;
}

/** Creates a unique temp folder holding `server.js`; call remove() when done. */
export function createTempApp(scriptName = 'server.js'): TempApp {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'nodefarm-config-test-'));
  const write = (name: string, content: string): string => {
    const file = path.join(dir, name);
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, content);
    return file;
  };
  const script = write(scriptName, "console.log('test app');\n");
  return { dir, script, write, remove: () => fs.rmSync(dir, { recursive: true, force: true }) };
}

/** Loader options that ignore the machine: no IISNODE_* variables, 4 CPUs, a fixed host and socket folder. */
export function fixedOptions(extra: { env?: Record<string, string>; cwd?: string } = {}) {
  return {
    env: extra.env ?? {}, cwd: extra.cwd ?? process.cwd(), cpuCount: 4, hostname: 'test-host',
    socketDir: '/run/nodefarm-test', requirePort: false,
  };
}
