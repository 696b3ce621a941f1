/**
 * @module One cluster that exercises every rule of the change tracker and of the renderers
 * (each backend's golden files are this cluster rendered): named and unnamed ports, TCP and UDP
 * under one name, slices to merge with duplicates, the ready / serving-terminating fallback, no
 * endpoints, the Local traffic policies, NodePort, externalIPs, LoadBalancer with source ranges,
 * ClientIP affinity, and the Services and slices kube-proxy ignores.
 */
import { ep, makeService, makeSlice } from './fixtures.js';
import type { ProxyEndpointSlice, ProxyService } from './views.js';

export const SCENARIO_SERVICES: ProxyService[] = [
  makeService('ns1', 'svc1', (s) => {
    s.spec.clusterIP = '172.30.0.41';
    s.spec.ports = [{ name: 'p80', protocol: 'TCP', port: 80 }];
  }),
  makeService('default', 'nginx', (s) => {
    s.spec.clusterIP = '10.96.0.20';
    s.spec.ports = [{ protocol: 'TCP', port: 80 }];
    s.spec.sessionAffinity = 'ClientIP';
    s.spec.sessionAffinityConfig = { clientIP: { timeoutSeconds: 10800 } };
  }),
  makeService('kube-system', 'kube-dns', (s) => {
    s.spec.clusterIP = '10.96.0.10';
    s.spec.ports = [
      { name: 'dns', protocol: 'UDP', port: 53 },
      { name: 'dns-tcp', protocol: 'TCP', port: 53 },
    ];
  }),
  makeService('ns2', 'empty', (s) => {
    s.spec.clusterIP = '10.96.0.30';
    s.spec.ports = [{ name: 'http', protocol: 'TCP', port: 8080 }];
  }),
  makeService('ns2', 'notready', (s) => {
    s.spec.clusterIP = '10.96.0.31';
    s.spec.ports = [{ name: 'http', protocol: 'TCP', port: 80 }];
  }),
  makeService('ns3', 'np', (s) => {
    s.spec.type = 'NodePort';
    s.spec.clusterIP = '10.96.0.40';
    s.spec.ports = [{ name: 'http', protocol: 'TCP', port: 80, nodePort: 30080 }];
    s.spec.externalTrafficPolicy = 'Cluster';
    s.spec.externalIPs = ['192.168.99.10'];
  }),
  makeService('ns3', 'local', (s) => {
    s.spec.type = 'NodePort';
    s.spec.clusterIP = '10.96.0.41';
    s.spec.ports = [{ name: 'http', protocol: 'TCP', port: 80, nodePort: 30081 }];
    s.spec.externalTrafficPolicy = 'Local';
    s.spec.internalTrafficPolicy = 'Local';
  }),
  makeService('ns4', 'lb', (s) => {
    s.spec.type = 'LoadBalancer';
    s.spec.clusterIP = '10.96.0.50';
    s.spec.ports = [{ name: 'https', protocol: 'TCP', port: 443, nodePort: 30443 }];
    s.spec.externalTrafficPolicy = 'Local';
    s.spec.healthCheckNodePort = 30999;
    s.spec.loadBalancerSourceRanges = ['10.0.0.0/8', ' 127.0.0.0/8 '];
    s.status = { loadBalancer: { ingress: [{ ip: '127.0.100.1' }, { hostname: 'lb.example' }, { ip: '127.0.100.2', ipMode: 'Proxy' }] } };
  }),
  makeService('ns5', 'headless', (s) => {
    s.spec.clusterIP = 'None';
    s.spec.ports = [{ name: 'http', protocol: 'TCP', port: 80 }];
  }),
  makeService('ns5', 'external', (s) => {
    s.spec.type = 'ExternalName';
    (s.spec as { externalName?: string }).externalName = 'example.com';
  }),
  makeService('ns5', 'other-proxy', (s) => {
    s.metadata.labels = { 'service.kubernetes.io/service-proxy-name': 'foo' };
    s.spec.clusterIP = '10.96.0.60';
    s.spec.ports = [{ name: 'http', protocol: 'TCP', port: 80 }];
  }),
];

export const SCENARIO_SLICES: ProxyEndpointSlice[] = [
  makeSlice('ns1', 'svc1', 1, (s) => {
    s.ports = [{ name: 'p80', protocol: 'TCP', port: 80 }];
    s.endpoints = [ep('10.180.0.1'), ep('10.180.2.1', { nodeName: 'node2' })];
    s.metadata.annotations = { 'endpoints.kubernetes.io/last-change-trigger-time': '2025-01-01T00:00:01.5Z' };
  }),
  makeSlice('ns1', 'svc1', 2, (s) => {
    s.ports = [{ name: 'p80', protocol: 'TCP', port: 80 }];
    // 10.180.0.1 again (deduplicated), a not-ready one (left out while ready ones exist).
    s.endpoints = [ep('10.180.0.1'), ep('10.180.0.3', { ready: false })];
    s.metadata.annotations = { 'endpoints.kubernetes.io/last-change-trigger-time': '2025-01-01T00:00:02Z' };
  }),
  makeSlice('default', 'nginx', 1, (s) => {
    s.ports = [{ name: '', protocol: 'TCP', port: 8080 }];
    s.endpoints = [ep('10.244.0.4'), ep('10.244.0.10'), ep('10.244.0.9')];
  }),
  makeSlice('kube-system', 'kube-dns', 1, (s) => {
    s.ports = [
      { name: 'dns', protocol: 'UDP', port: 53 },
      { name: 'dns-tcp', protocol: 'TCP', port: 53 },
      { name: 'metrics', protocol: 'TCP', port: 9153 },
    ];
    s.endpoints = [ep('10.244.0.5')];
  }),
  makeSlice('ns2', 'notready', 1, (s) => {
    s.ports = [{ name: 'http', protocol: 'TCP', port: 80 }];
    s.endpoints = [ep('10.244.0.20', { ready: false, serving: true, terminating: true }), ep('10.244.0.21', { ready: false, serving: false, terminating: true }), ep('10.244.0.22', { ready: false })];
  }),
  makeSlice('ns3', 'np', 1, (s) => {
    s.ports = [{ name: 'http', protocol: 'TCP', port: 8080 }];
    s.endpoints = [ep('10.244.0.30'), ep('10.244.0.31')];
  }),
  makeSlice('ns3', 'local', 1, (s) => {
    s.ports = [{ name: 'http', protocol: 'TCP', port: 8080 }];
    s.endpoints = [ep('10.244.0.40', { nodeName: 'node2' }), ep('10.244.0.41')];
  }),
  makeSlice('ns4', 'lb', 1, (s) => {
    s.ports = [{ name: 'https', protocol: 'TCP', port: 8443 }];
    s.endpoints = [ep('10.244.0.50', { nodeName: 'node2' })];
  }),
  makeSlice('ns5', 'headless', 1, (s) => {
    s.metadata.labels!['service.kubernetes.io/headless'] = '';
    s.ports = [{ name: 'http', protocol: 'TCP', port: 80 }];
    s.endpoints = [ep('10.244.0.60')];
  }),
  makeSlice('ns5', 'other-proxy', 1, (s) => {
    s.ports = [{ name: 'http', protocol: 'TCP', port: 80 }];
    s.endpoints = [ep('10.244.0.61')];
  }),
];
