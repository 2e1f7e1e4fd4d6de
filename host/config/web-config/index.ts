/**
 * Importer for IIS web.config files: `<iisnode>` settings, `<appSettings>`, the iisnode handler's script and
 * URL-rewrite rules become a nodefarm.yml (or an iisnode.yml); everything else is reported with the reason.
 */
export type { ImportedSetting, ImportedVariable, ImportFailure, ImportFinding, WebConfigImport } from './config.ts';
export { importWebConfig } from './import-web-config.ts';
export { renderIisnodeYml, renderNodefarmYml, type RenderTarget } from './render-config.ts';
export { convertWebConfig, type ConvertOptions, type ConvertResult } from './write-imported-config.ts';
export { readXml, xmlLimits, type XmlAttribute, type XmlElement, type XmlResult } from './xml-reader.ts';
