/** @module The kubeconfig package's public surface. */
export { renderKubeconfig, kubeconfigEntryName } from './render.js';
export { mergeKubeconfig, removeFromKubeconfig } from './file.js';
export { defaultKubeconfigPath, kubeconfigPaths } from './paths.js';
export { KubeconfigError, isKubeconfigError } from './errors.js';
