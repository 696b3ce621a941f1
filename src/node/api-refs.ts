/**
 * @module The resources the node agent reads and writes, from the served table.
 */
import { findResource, type ResourceInfo } from '../api/resources.js';

function must(group: string, version: string, resource: string): ResourceInfo {
  const info = findResource(group, version, resource);
  if (!info) throw new Error(`node: the API table has no ${resource}.${group || 'core'}/${version}`);
  return info;
}

export const PODS = must('', 'v1', 'pods');
export const NODES = must('', 'v1', 'nodes');
export const SERVICES = must('', 'v1', 'services');
export const CONFIGMAPS = must('', 'v1', 'configmaps');
export const SECRETS = must('', 'v1', 'secrets');
export const SERVICEACCOUNTS = must('', 'v1', 'serviceaccounts');
export const LEASES = must('coordination.k8s.io', 'v1', 'leases');
export const EVENTS = must('', 'v1', 'events');
export const ENDPOINTS = must('', 'v1', 'endpoints');
