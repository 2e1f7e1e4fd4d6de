import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';

const root = path.resolve(import.meta.dirname, '../..');
const composeFile = path.join(root, 'docker-compose.yml');

interface Compose { services: Record<string, { image?: string; environment?: Record<string, unknown> }> }

describe('docker-compose.yml', () => {
  const compose = parse(readFileSync(composeFile, 'utf8')) as Compose;

  it('is valid for docker-compose (config -q exits 0)', () => {
    const res = spawnSync('docker-compose', ['-f', composeFile, 'config', '-q'], { encoding: 'utf8' });
    expect(res.error).toBeUndefined();
    expect(res.stderr).toBe('');
    expect(res.status).toBe(0);
  });

  it('runs the same Kafka version as the broker the tests start', () => {
    const pom = readFileSync(path.join(root, 'deploy/kafka/pom.xml'), 'utf8');
    const version = /<kafka\.version>([^<]+)<\/kafka\.version>/.exec(pom)?.[1];
    expect(version).toBeDefined();
    expect(compose.services.kafka?.image).toBe(`apache/kafka:${version}`);
  });

  it('has kafka, clickhouse and grafana with the ClickHouse plugin', () => {
    expect(Object.keys(compose.services)).toEqual(expect.arrayContaining(['kafka', 'clickhouse', 'grafana']));
    expect(compose.services.clickhouse?.image).toMatch(/^clickhouse\/clickhouse-server:\d+\.\d+/);
    expect(String(compose.services.grafana?.environment?.GF_PLUGINS_PREINSTALL_SYNC))
      .toMatch(/^grafana-clickhouse-datasource/);
  });

  it('provisions the ClickHouse data source Grafana needs', () => {
    const ds = parse(readFileSync(path.join(root, 'deploy/grafana/provisioning/datasources/clickhouse.yml'), 'utf8')) as {
      datasources: { type: string; uid: string; jsonData: { host: string; defaultDatabase: string } }[];
    };
    expect(ds.datasources[0]).toMatchObject({
      type: 'grafana-clickhouse-datasource', uid: 'nodefarm-clickhouse', jsonData: { host: 'clickhouse' },
    });
  });
});

describe('deploy/docker/Dockerfile', () => {
  const dockerfile = readFileSync(path.join(root, 'deploy/docker/Dockerfile'), 'utf8');

  it('builds on the Node major the project pins', () => {
    const pkg = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')) as {
      devDependencies: Record<string, string>; engines: { node: string };
    };
    const pinnedMajor = pkg.devDependencies.node?.split('.')[0];
    expect(dockerfile).toMatch(new RegExp(`^FROM node:${pinnedMajor}[-.]`, 'm'));
    expect(pkg.engines.node).toContain(`>=${pinnedMajor}`);
  });

  it('copies every folder the nodefarm command loads at run time', () => {
    for (const folder of ['bin', 'host', 'collector', 'processors', 'deploy/clickhouse/migrations', 'deploy/demo']) {
      expect(dockerfile).toMatch(new RegExp(`^COPY ${folder} `, 'm'));
    }
  });

  it('copies only folders that exist', () => {
    const sources = [...dockerfile.matchAll(/^COPY (.+) \S+$/gm)].flatMap((m) => m[1]!.split(' '));
    expect(sources.length).toBeGreaterThan(3);
    for (const src of sources) expect([src, existsSync(path.join(root, src))]).toEqual([src, true]);
  });
});

describe('the demo farm the compose stack runs', () => {
  it('loads as a valid nodefarm.yml that sends telemetry to the gateway service', async () => {
    const { loadFarmConfigFile } = await import('../../host/config/load-farm-config.ts');
    const farm = loadFarmConfigFile(path.join(root, 'deploy/demo/nodefarm.yml'));
    expect(farm.apps.map((a) => a.name)).toEqual(['demo']);
    expect(farm.host.listenAddress).toBe('0.0.0.0');
    expect(farm.host.telemetry).toMatchObject({ enabled: true, endpoint: 'http://gateway:4318' });
    expect(existsSync(farm.apps[0]!.script)).toBe(true);
  });
});
