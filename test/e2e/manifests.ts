/** @module Manifests several end-to-end tests apply. */

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
      terminationGracePeriodSeconds: 1
      containers:
      - name: nginx
        image: nginx
        ports:
        - containerPort: 80
`;
