/** @module Manifests several end-to-end tests apply. */

/** The pod spec of the `web` manifests (one nginx container, port 80, a 1 s grace), each line indented by `pad`. */
function webPodSpec(pad: string): string {
  const lines = ['terminationGracePeriodSeconds: 1', 'containers:', '- name: nginx', '  image: nginx', '  ports:', '  - containerPort: 80'];
  return lines.map((l) => `${pad}${l}\n`).join('');
}

/** Deployment `web`: 2 nginx pods labelled app=web, port 80, a 1 s grace period (fast deletes). */
export const WEB_DEPLOYMENT = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  replicas: 2
  selector:
    matchLabels:
      app: web
  template:
    metadata:
      labels:
        app: web
    spec:
${webPodSpec('      ')}`;

/** Pod `web`: the same nginx container (`nginx`, port 80, a 1 s grace period) on its own. */
export const WEB_POD = `apiVersion: v1
kind: Pod
metadata:
  name: web
spec:
${webPodSpec('  ')}`;
