import type { ImportedVariable, ImportFailure, ImportFinding, WebConfigImport } from './config.ts';
import { mapIisnodeAttributes } from './map-iisnode-attributes.ts';
import { readXml, type XmlElement } from './xml-reader.ts';

/**
 * Reads an IIS web.config and takes what a nodefarm app needs: the `<iisnode>` settings, `<appSettings>` (the
 * workers' environment, as iisnode passes them), the script of the iisnode handler mapping, and URL-rewrite
 * rules that send requests to that script (covered by nodefarm's routing). Everything else is listed in
 * `unmapped` with the reason. Never throws on bad input: a file that is not XML is an ImportFailure.
 */
export function importWebConfig(text: string): { ok: true; result: WebConfigImport } | ({ ok: false } & ImportFailure) {
  const xml = readXml(text);
  if (!xml.ok) return { ok: false, line: xml.line, problem: xml.problem };
  if (xml.root.name !== 'configuration') {
    return { ok: false, line: xml.root.line, problem: `the root element is <${xml.root.name}>, expected <configuration>` };
  }
  const mapped: ImportFinding[] = [];
  const unmapped: ImportFinding[] = [];
  const settings: WebConfigImport['settings'][number][] = [];
  let env = new Map<string, ImportedVariable>();
  let handlerScript: string | undefined;
  let rewriteScript: string | undefined;
  let defaultScript: string | undefined;
  const rules: { rule: XmlElement; target: string | undefined }[] = [];

  for (const section of xml.root.children) {
    if (section.name === 'appSettings') {
      env = readAppSettings(section, env, unmapped);
    } else if (section.name === 'system.webServer') {
      for (const el of section.children) {
        switch (el.name) {
          case 'iisnode': {
            const m = mapIisnodeAttributes(el);
            settings.push(...m.settings);
            mapped.push(...m.mapped);
            unmapped.push(...m.unmapped);
            break;
          }
          case 'handlers':
            handlerScript = readHandlers(el, handlerScript, mapped, unmapped);
            break;
          case 'rewrite':
            for (const part of el.children) {
              if (part.name !== 'rules') {
                unmapped.push({ line: part.line, what: `<rewrite><${part.name}>`, note: 'nodefarm does not rewrite URLs or responses' });
                continue;
              }
              for (const rule of part.children.filter((r) => r.name === 'rule')) {
                const target = rewriteTarget(rule);
                rules.push({ rule, target });
                if (target && rewriteScript === undefined) rewriteScript = target;
              }
            }
            break;
          case 'defaultDocument':
            defaultScript ??= readDefaultDocument(el);
            break;
          case 'webSocket':
            mapped.push({ line: el.line, what: '<webSocket>', note: 'not needed: nodefarm forwards WebSocket upgrades to the app itself' });
            break;
          default:
            unmapped.push({ line: el.line, what: `<system.webServer><${el.name}>`, note: 'IIS feature with no nodefarm equivalent' });
        }
      }
    } else if (section.name === 'location') {
      unmapped.push({ line: section.line, what: `<location path="${attr(section, 'path') ?? ''}">`, note: 'per-path configuration is not imported; run such paths as separate apps in nodefarm.yml' });
    } else {
      unmapped.push({ line: section.line, what: `<${section.name}>`, note: 'not used by iisnode; ignored' });
    }
  }

  const script = handlerScript ?? rewriteScript ?? defaultScript;
  if (!handlerScript && script) {
    mapped.push({ line: 0, what: 'app script', note: `${script}, from the ${rewriteScript ? 'URL-rewrite rules' : 'default document'} (no iisnode handler mapping)` });
  }
  for (const { rule, target } of rules) {
    const name = attr(rule, 'name') ?? '';
    const what = `<rewrite> rule "${name}"`;
    if (target !== undefined && sameScript(target, script)) {
      mapped.push({ line: rule.line, what, note: `sends requests to ${target}; nodefarm sends every request under the app's path to it, and the app sees the original URL as with iisnode` });
    } else {
      unmapped.push({ line: rule.line, what, note: describeOtherRule(rule) });
    }
  }
  const byLine = (x: ImportFinding, y: ImportFinding): number => x.line - y.line;
  return { ok: true, result: { script, settings, env: [...env.values()], mapped: mapped.sort(byLine), unmapped: unmapped.sort(byLine) } };
}

function readAppSettings(section: XmlElement, start: Map<string, ImportedVariable>, unmapped: ImportFinding[]): Map<string, ImportedVariable> {
  const env = new Map(start);
  for (const el of section.children) {
    const key = attr(el, 'key') ?? '';
    if (el.name === 'clear') env.clear();
    else if (el.name === 'remove') env.delete(key);
    else if (el.name !== 'add') unmapped.push({ line: el.line, what: `<appSettings><${el.name}>`, note: 'unknown element; ignored' });
    else if (key === '') unmapped.push({ line: el.line, what: '<appSettings><add key="">', note: 'empty key; iisnode skips it too' });
    else if (key.includes('=') || key.includes('\0')) unmapped.push({ line: el.line, what: `<appSettings><add key="${key}">`, note: 'not a valid environment variable name' });
    else env.set(key, { key, value: attr(el, 'value') ?? '', line: el.line });
  }
  const fileAttr = attr(section, 'file') ?? attr(section, 'configSource');
  if (fileAttr) unmapped.push({ line: section.line, what: `<appSettings file="${fileAttr}">`, note: 'settings kept in another file are not read; import that file\'s entries by hand' });
  return env;
}

function readHandlers(el: XmlElement, current: string | undefined, mapped: ImportFinding[], unmapped: ImportFinding[]): string | undefined {
  let script = current;
  for (const h of el.children) {
    if (h.name !== 'add') continue;
    const modules = attr(h, 'modules') ?? '';
    const path = attr(h, 'path') ?? '';
    const what = `<handlers><add name="${attr(h, 'name') ?? ''}" path="${path}">`;
    if (modules.toLowerCase() !== 'iisnode') {
      unmapped.push({ line: h.line, what, note: `handler for module '${modules}', not iisnode; ignored` });
    } else if (/[*?]/.test(path) || path === '') {
      unmapped.push({ line: h.line, what, note: 'a wildcard handler runs every matching script as its own app; nodefarm runs one named script per app (list each in nodefarm.yml)' });
    } else if (script === undefined) {
      script = cleanPath(path);
      mapped.push({ line: h.line, what, note: `the app script: ${script}` });
    } else {
      unmapped.push({ line: h.line, what, note: `a second iisnode script; this import makes one app (${script}); add ${cleanPath(path)} as another app in nodefarm.yml` });
    }
  }
  return script;
}

function readDefaultDocument(el: XmlElement): string | undefined {
  const files = el.children.find((c) => c.name === 'files');
  const first = files?.children.find((c) => c.name === 'add' && /\.js$/i.test(attr(c, 'value') ?? ''));
  return first ? cleanPath(attr(first, 'value') ?? '') : undefined;
}

/** The script a `Rewrite` rule sends requests to, when its target URL is a plain .js path. */
function rewriteTarget(rule: XmlElement): string | undefined {
  const action = rule.children.find((c) => c.name === 'action');
  if (!action || (attr(action, 'type') ?? 'Rewrite').toLowerCase() !== 'rewrite') return undefined;
  const url = (attr(action, 'url') ?? '').split('?')[0] ?? '';
  return /^[^{}*]+\.js$/i.test(url) ? cleanPath(url) : undefined;
}

function describeOtherRule(rule: XmlElement): string {
  const action = rule.children.find((c) => c.name === 'action');
  const type = action ? attr(action, 'type') ?? 'Rewrite' : 'none';
  const url = action ? attr(action, 'url') ?? '' : '';
  if (type.toLowerCase() === 'redirect') return `redirects to ${url}; nodefarm does not redirect: do it in the app or a proxy in front`;
  if (!action || type.toLowerCase() === 'none') return 'has no rewrite action (e.g. a debugger-path guard); nothing to do in nodefarm';
  return `${type} to ${url}: nodefarm does not rewrite URLs or serve static files; requests reach the app unchanged (serve static files from the app or a proxy in front)`;
}

function sameScript(target: string, script: string | undefined): boolean {
  return script !== undefined && target.toLowerCase() === script.toLowerCase();
}

/** A script path as the loader wants it: relative, `/`-separated, no leading slash. */
function cleanPath(p: string): string {
  return p.replaceAll('\\', '/').replace(/^\/+/, '');
}

function attr(el: XmlElement, name: string): string | undefined {
  return el.attributes.find((a) => a.name === name)?.value;
}
