import { NodefarmError } from '../../../host/errors.ts';
import { parseIisnodeYml } from '../../../host/config/index.ts';

const FILE = '/srv/app/iisnode.yml';
const parse = (text: string, env: Record<string, string> = {}) => parseIisnodeYml(text, FILE, env);
const values = (text: string, env: Record<string, string> = {}) =>
  Object.fromEntries(parse(text, env).assignments.map((a) => [a.name, a.value]));

function errorOf(text: string): NodefarmError {
  try {
    parse(text);
  } catch (err) {
    if (err instanceof NodefarmError) return err;
    throw err;
  }
  throw new Error(`expected ${JSON.stringify(text)} to be rejected`);
}

describe('iisnode.yml parser', () => {
  // The cases of iisnode's functional test 126_node_config_syntax.
  it('accepts an empty file', () => {
    expect(parse('')).toEqual({ assignments: [], warnings: [] });
  });

  it('rejects a line that starts with a colon', () => {
    const err = errorOf(': foo');
    expect(err.code).toBe('CONFIG_INVALID');
    expect(err.message).toContain(`${FILE}:1:`);
    expect(err.message).toContain("no key before ':'");
  });

  it('rejects a colon after leading spaces', () => {
    expect(errorOf('   : bar').message).toContain(`${FILE}:1:`);
  });

  it('accepts a key with an empty value as no change', () => {
    expect(parse('foo:').assignments).toEqual([]);
    expect(parse('loggingEnabled:').assignments).toEqual([]);
  });

  it('accepts an empty value followed by a comment', () => {
    expect(parse('foo:    # comment').assignments).toEqual([]);
    expect(parse('debugHeaderEnabled:    # comment').assignments).toEqual([]);
  });

  it('ignores unknown keys and reports them as warnings with a suggestion', () => {
    const result = parse('foo: bar\nloggingEnabld: false\n');
    expect(result.assignments).toEqual([]);
    expect(result.warnings).toEqual([
      { file: FILE, line: 1, key: 'foo', message: "unknown setting 'foo' ignored" },
      { file: FILE, line: 2, key: 'loggingEnabld', message: "unknown setting 'loggingEnabld' ignored (did you mean 'loggingEnabled'?)" },
    ]);
  });

  it('rejects a bad boolean naming file, line, key, value and what is expected', () => {
    const err = errorOf('# settings\n\nloggingEnabled: foobar\n');
    expect(err.message).toBe(`${FILE}:3: loggingEnabled: invalid value 'foobar': expected true, false, 1, 0, yes or no`);
    expect(err.details).toMatchObject({ file: FILE, line: 3, key: 'loggingEnabled' });
    expect(err.hint).toMatch(/config print/);
  });

  it('skips blank lines and counts them for line numbers', () => {
    const result = parse('\n\n   \ndebugHeaderEnabled: true\n\n');
    expect(result.assignments).toEqual([
      { name: 'debugHeaderEnabled', value: true, source: { kind: 'file', file: FILE, line: 4 } },
    ]);
  });

  // The rest of iisnode's rules (ApplyYamlConfigOverrides).
  it('rejects a line without a colon', () => {
    expect(errorOf('loggingEnabled true').message).toContain("expected 'key: value'");
  });

  it('treats a tab as part of the text, not as whitespace, and says so', () => {
    expect(parse('\tloggingEnabled: true').warnings[0]?.message).toContain('tabs are not whitespace');
    expect(errorOf('loggingEnabled\ttrue').message).toContain('tabs are not whitespace');
    expect(errorOf('loggingEnabled: true\t').message).toContain("invalid value 'true\t'");
  });

  it('starts a comment at the first # even inside quotes', () => {
    expect(values('node_env: "prod#uction"')).toEqual({ node_env: '"prod' });
  });

  it('keeps quotes and further colons in the value', () => {
    expect(values('nodeProcessCommandLine: "/opt/node 24/bin/node" --title=a:b   ')).toEqual({
      nodeProcessCommandLine: '"/opt/node 24/bin/node" --title=a:b',
    });
  });

  it('allows spaces between the key and the colon', () => {
    expect(values('maxLogFiles   :  7')).toEqual({ maxLogFiles: 7 });
  });

  it('splits lines on CR, LF and CRLF', () => {
    const result = parse('maxLogFiles: 1\r\nflushResponse: yes\rdebugHeaderEnabled: 1\nenableXFF: NO');
    expect(result.assignments.map((a) => [a.name, a.value, a.source.kind === 'file' && a.source.line])).toEqual([
      ['maxLogFiles', 1, 1], ['flushResponse', true, 2], ['debugHeaderEnabled', true, 3], ['enableXFF', false, 4],
    ]);
  });

  it('matches keys and boolean words case-insensitively', () => {
    expect(values('LOGGINGENABLED: False\ndevErrorsEnabled: YES')).toEqual({ loggingEnabled: false, devErrorsEnabled: true });
  });

  it('accepts both debugPortRange (iisnode) and debuggerPortRange (its sample)', () => {
    expect(values('debugPortRange: 7000-7100')).toEqual({ debuggerPortRange: '7000-7100' });
    expect(values('debuggerPortRange: 7200')).toEqual({ debuggerPortRange: '7200' });
    expect(errorOf('debugPortRange: 80-90').message).toContain('1025 <= start <= end <= 65535');
  });

  it('rejects a number that is not a number instead of reading it as 0', () => {
    expect(errorOf('maxNamedPipeConnectionRetry: lots').message)
      .toBe(`${FILE}:1: maxNamedPipeConnectionRetry: invalid value 'lots': not a whole number; expected a whole number from 0 to 4294967295`);
  });

  it('rejects negative numbers', () => {
    expect(errorOf('gracefulShutdownTimeout: -1').message).toContain('negative numbers are not allowed');
  });

  it('accepts Infinite for maxConcurrentRequestsPerProcess', () => {
    expect(values('maxConcurrentRequestsPerProcess: infinite')).toEqual({ maxConcurrentRequestsPerProcess: Infinity });
    expect(values('maxConcurrentRequestsPerProcess: 64')).toEqual({ maxConcurrentRequestsPerProcess: 64 });
    expect(errorOf('maxConcurrentRequestsPerProcess: 0').message).toContain('from 1 to 4294967295 or Infinite');
  });

  it('expands ${VAR} and %VAR% in the settings iisnode expands, and only those', () => {
    const env = { APP_ROOT: '/srv', node_env: 'staging' };
    expect(values('logDirectory: ${APP_ROOT}/logs\nnode_env: %NODE_ENV%\ndebuggerPathSegment: %APP_ROOT%', env)).toEqual({
      logDirectory: '/srv/logs', node_env: 'staging', debuggerPathSegment: '%APP_ROOT%',
    });
  });

  it('expands an unset variable to nothing and warns', () => {
    const result = parse('node_env: %NODE_ENV%');
    expect(result.assignments[0]?.value).toBe('');
    expect(result.warnings[0]?.message).toContain("'NODE_ENV' is not set");
  });

  it('does not let iisnode.yml rename itself', () => {
    const result = parse('configOverrides: other.yml');
    expect(result.assignments).toEqual([]);
    expect(result.warnings[0]?.message).toContain('cannot be set in iisnode.yml');
  });
});
