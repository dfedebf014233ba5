// Every Kubernetes example parses, validates against the Kubernetes API schemas
// (kubernetes-models), and holds together: the embedded QKMS config loads with our own loader
// using the example Secret's documents, ports and probes match that config, pods run as
// non-root, and no Secret carries anything but an obvious placeholder.

import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { ConfigMap, Secret, Service } from 'kubernetes-models/v1';
import { Deployment } from 'kubernetes-models/apps/v1';
import { PodDisruptionBudget } from 'kubernetes-models/policy/v1';
import { HorizontalPodAutoscaler } from 'kubernetes-models/autoscaling/v2';
import { loadConfig } from '../../../src/config/load';
import { STOP_LIMIT_MS } from '../../../src/cluster/primary';

const DIR = join(__dirname, '..', '..', '..', 'deploy', 'kubernetes');
const FILES = readdirSync(DIR).filter((f) => f.endsWith('.yaml'));

type Doc = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
const MODELS: Record<string, new (doc: Doc) => { validate(): void }> = {
  ConfigMap,
  Secret,
  Service,
  Deployment,
  PodDisruptionBudget,
  HorizontalPodAutoscaler,
};

function documents(file: string): Doc[] {
  return parseAllDocuments(readFileSync(join(DIR, file), 'utf8')).map((doc) => {
    expect(doc.errors).toEqual([]);
    return doc.toJS() as Doc;
  });
}

const find = (docs: Doc[], kind: string): Doc[] => docs.filter((d) => d.kind === kind);
const one = (docs: Doc[], kind: string, name?: string): Doc => {
  const found = find(docs, kind).filter((d) => name === undefined || d.metadata.name === name);
  expect(found).toHaveLength(1);
  return found[0] as Doc;
};

it('has the sidecar and the shared-gateway examples', () => {
  expect(FILES.sort()).toEqual(['shared-gateway.yaml', 'sidecar.yaml']);
});

describe.each(FILES)('%s', (file) => {
  const docs = documents(file);

  it('validates every document against the Kubernetes API schema', () => {
    expect(docs.length).toBeGreaterThan(0);
    for (const doc of docs) {
      const Model = MODELS[doc.kind as string];
      expect({ kind: doc.kind, known: Model !== undefined }).toEqual({
        kind: doc.kind,
        known: true,
      });
      expect(() => new (Model as (typeof MODELS)[string])(doc).validate()).not.toThrow();
    }
  });

  it('keeps every Secret value an obvious placeholder', () => {
    const secrets = find(docs, 'Secret');
    expect(secrets.length).toBeGreaterThan(0);
    for (const secret of secrets) {
      expect(secret.data).toBeUndefined(); // base64 would hide what is in it
      for (const [key, value] of Object.entries(secret.stringData as Record<string, string>)) {
        if (key === 'credentials.yaml') {
          const secretKeys = [...value.matchAll(/secretAccessKey:\s*(\S+)/g)].map((m) => m[1]);
          expect(secretKeys.length).toBeGreaterThan(0);
          for (const s of secretKeys) expect(s).toMatch(/^REPLACE_ME/);
        } else {
          expect({ key, value }).toEqual({ key, value: expect.stringMatching(/^REPLACE_ME/) });
        }
      }
    }
  });

  it('gives QKMS its whole shutdown bound after the preStop pause before Kubernetes kills it', () => {
    for (const deployment of find(docs, 'Deployment')) {
      const pod = deployment.spec.template.spec as Doc;
      const qkms = (pod.containers as Doc[]).find((c) => c.name === 'qkms') as Doc;
      const pause = Number(qkms.lifecycle?.preStop?.sleep?.seconds ?? 0);
      // The primary's bound, the longer of the two (a single process ends within 24 s).
      expect(pod.terminationGracePeriodSeconds as number).toBeGreaterThanOrEqual(
        pause + STOP_LIMIT_MS / 1000,
      );
    }
  });

  it('puts no secret value inline in a container environment', () => {
    for (const deployment of find(docs, 'Deployment')) {
      for (const container of deployment.spec.template.spec.containers as Doc[]) {
        for (const env of (container.env ?? []) as Doc[]) {
          if (/SECRET|PIN|PASSWORD|TOKEN/i.test(env.name as string)) {
            expect({ name: env.name, value: env.value }).toEqual({
              name: env.name,
              value: undefined,
            });
          }
        }
      }
    }
  });

  it('embeds a QKMS config our loader accepts, with the example Secret as PIN and credentials', () => {
    const deployment = one(docs, 'Deployment');
    const qkms = (deployment.spec.template.spec.containers as Doc[]).find(
      (c) => c.name === 'qkms',
    ) as Doc;
    const configVolume = (deployment.spec.template.spec.volumes as Doc[]).find(
      (v) => v.name === (qkms.volumeMounts as Doc[]).find((m) => m.mountPath === '/etc/qkms')?.name,
    ) as Doc;
    const configMap = one(docs, 'ConfigMap', configVolume.configMap.name as string);
    expect(qkms.args).toEqual(['serve', '--config', '/etc/qkms/qkms.yaml']);
    const secretVolume = (deployment.spec.template.spec.volumes as Doc[]).find(
      (v) =>
        v.name ===
        (qkms.volumeMounts as Doc[]).find((m) => m.mountPath === '/run/secrets/qkms')?.name,
    ) as Doc;
    const secret = one(docs, 'Secret', secretVolume.secret.secretName as string);

    const { config, credentials } = loadConfig(configMap.data['qkms.yaml'] as string, {
      QKMS_PIN: secret.stringData.pin as string,
      QKMS_CREDENTIALS: secret.stringData['credentials.yaml'] as string,
      // The pod reads it from the mounted Secret (metadata.postgres.passwordFile).
      ...(secret.stringData['postgres-password']
        ? { QKMS_METADATA_POSTGRES_PASSWORD: secret.stringData['postgres-password'] as string }
        : {}),
    });
    // The files the config names are where the pod mounts them.
    expect(config.pkcs11.pinFile).toBe('/run/secrets/qkms/pin');
    // Pods run on several nodes and change keys: metadata in PostgreSQL, not the token.
    if (file === 'shared-gateway.yaml') {
      expect(config.metadata.store).toBe('postgres');
      expect(config.pkcs11.readOnly).toBe(false);
      expect(config.metadata.postgres.passwordFile).toBe('/run/secrets/qkms/postgres-password');
      expect(secret.stringData['postgres-password']).toMatch(/^REPLACE_ME/);
      expect(config.metadata.postgres.tls).toBe('verify-full');
    }
    expect(config.auth.mode).toBe('sigv4');
    expect(config.auth.credentialsFile).toBe('/run/secrets/qkms/credentials.yaml');
    expect(credentials).not.toBeNull();
    expect(config.pkcs11.module.startsWith('/opt/hsm/')).toBe(true);
    expect((qkms.volumeMounts as Doc[]).map((m) => m.mountPath)).toEqual(
      expect.arrayContaining(['/etc/qkms', '/run/secrets/qkms', '/opt/hsm']),
    );
    if (config.tls?.certFile) {
      const tlsMount = (qkms.volumeMounts as Doc[]).find((m) =>
        config.tls?.certFile?.startsWith(`${m.mountPath as string}/`),
      ) as Doc;
      const tlsVolume = (deployment.spec.template.spec.volumes as Doc[]).find(
        (v) => v.name === tlsMount.name,
      ) as Doc;
      expect(one(docs, 'Secret', tlsVolume.secret.secretName as string).type).toBe(
        'kubernetes.io/tls',
      );
    }

    // Probes and scraping go to the operations listener the config opens, reachable from the kubelet.
    expect(config.metrics.host).toBe('0.0.0.0');
    const ports = Object.fromEntries(
      (qkms.ports as Doc[]).map((p) => [p.name as string, p.containerPort as number]),
    );
    expect(ports.metrics).toBe(config.metrics.port);
    for (const [probe, path] of [
      ['livenessProbe', '/healthz'],
      ['readinessProbe', '/readyz'],
    ] as const) {
      expect(qkms[probe].httpGet).toEqual({ path, port: 'metrics' });
    }
    const annotations = deployment.spec.template.metadata.annotations as Record<string, string>;
    expect(annotations).toMatchObject({
      'prometheus.io/scrape': 'true',
      'prometheus.io/port': String(config.metrics.port),
      'prometheus.io/path': '/metrics',
    });

    // A sidecar's API stays on loopback; a shared gateway's is published with TLS.
    const service = find(docs, 'Service')[0];
    if (service === undefined) {
      expect(config.listen.host).toBe('127.0.0.1');
      expect(qkms.ports.map((p: Doc) => p.containerPort)).not.toContain(config.listen.port);
    } else {
      expect(config.listen.host).toBe('0.0.0.0');
      expect(config.tls?.certFile).toBeDefined();
      expect(ports.https).toBe(config.listen.port);
      const selector = service.spec.selector as Record<string, string>;
      expect(deployment.spec.template.metadata.labels).toMatchObject(selector);
    }
  });

  it('runs every container as non-root without privilege escalation', () => {
    for (const deployment of find(docs, 'Deployment')) {
      const pod = deployment.spec.template.spec;
      expect(pod.securityContext).toMatchObject({ runAsNonRoot: true, runAsUser: 10001 });
      for (const container of [...(pod.initContainers ?? []), ...pod.containers] as Doc[]) {
        expect(container.securityContext).toMatchObject({
          allowPrivilegeEscalation: false,
          readOnlyRootFilesystem: true,
          capabilities: { drop: ['ALL'] },
        });
      }
    }
  });
});

it('gives the shared gateway several replicas, a disruption budget and an autoscaler that fit', () => {
  const docs = documents('shared-gateway.yaml');
  const deployment = one(docs, 'Deployment');
  const pdb = one(docs, 'PodDisruptionBudget');
  const hpa = one(docs, 'HorizontalPodAutoscaler');
  expect(deployment.spec.replicas).toBeGreaterThanOrEqual(2);
  expect(pdb.spec.selector.matchLabels).toEqual(deployment.spec.selector.matchLabels);
  // The budget must leave room to evict one pod at the autoscaler's floor.
  expect(pdb.spec.minAvailable).toBeLessThan(hpa.spec.minReplicas);
  expect(hpa.spec.scaleTargetRef).toEqual({
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    name: deployment.metadata.name,
  });
  expect(hpa.spec.maxReplicas).toBeGreaterThan(hpa.spec.minReplicas);
});
