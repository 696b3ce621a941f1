/** @module Histograms in the Prometheus text format, with upstream's buckets. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Histogram, PROGRAMMING_BUCKETS, ProxyMetrics, SYNC_BUCKETS } from './metrics.js';

test('buckets are upstream\'s', () => {
  assert.equal(SYNC_BUCKETS.length, 15);
  assert.equal(SYNC_BUCKETS[14], 16.384);
  assert.deepEqual(PROGRAMMING_BUCKETS.slice(0, 4), [0.25, 0.5, 1, 2]);
  assert.equal(PROGRAMMING_BUCKETS.at(-1), 300);
  assert.equal(PROGRAMMING_BUCKETS.length, 80);
});

test('a histogram renders cumulative buckets, sum and count', () => {
  const h = new Histogram('x_seconds', 'X.', [0.1, 1]);
  h.observe(0.05);
  h.observe(0.5);
  h.observe(3);
  assert.equal(h.render(), ['# HELP x_seconds X.', '# TYPE x_seconds histogram', 'x_seconds_bucket{le="0.1"} 1', 'x_seconds_bucket{le="1"} 2', 'x_seconds_bucket{le="+Inf"} 3', 'x_seconds_sum 3.55', 'x_seconds_count 3'].join('\n'));
});

test('the proxy metrics page names kube-proxy\'s metrics', () => {
  const text = new ProxyMetrics().render();
  assert.match(text, /^# TYPE kubeproxy_sync_proxy_rules_duration_seconds histogram$/m);
  assert.match(text, /^kubeproxy_network_programming_duration_seconds_bucket\{le="0.25"\} 0$/m);
  assert.match(text, /^kubeproxy_sync_proxy_rules_last_timestamp_seconds 0$/m);
});
