/**
 * @module How the kubelet API names what it reaches (a pod, a container of a pod) and how it
 * refuses: PodAccessError carries the HTTP status the kubelet answers with and its wording.
 * The stream endpoints' own contract is `streams/types.ts`; `pod-access-runtime.ts` implements
 * it over the pod workers.
 */
export interface PodRef {
  namespace: string;
  name: string;
}

export interface ContainerRef extends PodRef {
  container: string;
}

export class PodAccessError extends Error {
  readonly status: 400 | 404 | 500;

  constructor(status: 400 | 404 | 500, message: string) {
    super(message);
    this.name = 'PodAccessError';
    this.status = status;
  }
}
