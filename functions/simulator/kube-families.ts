import { defaultMetricNames as N } from '../config/metric-names.ts';
import { gauge, type SimFamily } from './families.ts';
import type { SimModel } from './model.ts';

export const NAMESPACE = 'codex-pooler';
export const APP_JOB = 'codex-pooler-app';
export const IMAGE = 'ghcr.io/example/codex-pooler:1.0.0';

/** Where pod `index` runs: kubelet (cAdvisor) instance and the pod's own scrape address. */
export function podAddresses(index: number): { kubelet: string; app: string } {
  return { kubelet: `10.0.1.${11 + (index % 3)}:10250`, app: `10.244.${index % 3}.${20 + index}:4000` };
}

/** Labels Prometheus attaches to the app's own series when it scrapes the pod. */
export function appTargetLabels(model: SimModel, index: number): Record<string, string> {
  const pod = model.pods[index]!;
  return { namespace: NAMESPACE, job: APP_JOB, pod: pod.name, instance: podAddresses(index).app };
}

/** cAdvisor and kube-state-metrics series for pod `index`, labelled as they reach Prometheus. */
export function kubeFamilies(model: SimModel, index: number): SimFamily[] {
  const pod = model.pods[index];
  if (!pod) throw new RangeError(`no pod ${index}`);
  const m = model.memory(index);
  const cadvisor = {
    namespace: NAMESPACE,
    pod: pod.name,
    container: 'app',
    image: IMAGE,
    instance: podAddresses(index).kubelet,
    job: 'kubelet',
  };
  // kube-state-metrics' own `container` label is renamed `exported_container` by Prometheus' honor_labels=false.
  const ksm = {
    namespace: NAMESPACE,
    pod: pod.name,
    exported_container: 'app',
    container: 'kube-state-metrics',
    job: 'kube-state-metrics',
  };
  const families: SimFamily[] = [
    gauge(N.workingSet, 'Current working set of the container, bytes.', m.workingSet, cadvisor),
    gauge(N.rss, 'Size of RSS, bytes.', m.rss, cadvisor),
    gauge(N.cache, 'Number of bytes of page cache memory.', m.cache, cadvisor),
    gauge(N.cgroupUsage, 'Current memory usage, including all memory regardless of when it was accessed, bytes.', m.usage, cadvisor),
    gauge(N.specLimit, 'Memory limit for the container, bytes.', m.limit, cadvisor),
    gauge(N.containerStart, 'Start time of the container since unix epoch, seconds.', pod.startedAtMs / 1000, cadvisor),
    gauge(N.kubeLimit, 'The number of requested limit resource by a container.', m.limit, {
      ...ksm,
      resource: 'memory',
      unit: 'byte',
    }),
    {
      name: N.restarts,
      type: 'counter',
      help: 'The number of container restarts per container.',
      samples: [{ name: N.restarts, labels: ksm, value: pod.restarts }],
    },
  ];
  if (pod.lastReason !== undefined) {
    families.push(
      gauge(N.lastTerminatedReason, 'Describes the last reason the container was in terminated state.', 1, {
        ...ksm,
        reason: pod.lastReason,
      }),
    );
  }
  return families;
}
