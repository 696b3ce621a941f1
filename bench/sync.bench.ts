/**
 * @module Rules sync cost of the iptables and nftables backends (issue 5, "Benchmarks"; issue 8's
 * sync rows; the nftables rows are sync-nft.ts, `KUBITO_BENCH_SYNC_VARIANTS=nftables`). iptables:
 * N ClusterIP Services x 2 endpoints (bench/proxy-state.ts, through the real change-tracker
 * code), synced by the real `IptablesBackend` into an empty network namespace, against a bare
 * `iptables-restore --noflush` of the very text the backend renders, into another empty one;
 * then one Service changed among N (new endpoints), the backend's partial sync against a bare
 * `iptables-restore --noflush` of the same partial text (the changed chains; KUBE-SERVICES & co.
 * only when their rules change), on the two namespaces now holding the same rules. No cluster.
 *
 * What the backend's time includes and the bare one does not: rendering (the Node code), on a
 * first sync the probe, and on every full sync an `iptables-save` (leftover chains, missing
 * jump rules, which the restore then inserts). The bare namespace gets the same jump rules
 * beforehand, untimed, so that both restores commit into the same kernel state. A full resync
 * (rules and jumps in place: `iptables-save`, render, restore) is a row of its own,
 * except at 10,000 Services with iptables-nft (minutes per sample). Both run their commands with
 * `nsenter --net=<ns>` (the node agent runs inside its namespace; this adds one exec to each).
 *
 * Which iptables: the backend's choice, the host's default `iptables` (Debian 12: iptables-nft,
 * `KUBITO_BENCH_SYNC_VARIANTS=default`), and iptables-legacy as extra rows (`legacy`). The
 * ratio is bare time / kubito time (higher is better); the goal "<= 1.2x the bare time" is a
 * ratio >= 0.83. Full syncs of 10,000 Services with iptables-nft take minutes each (issue 5:
 * "over 60 s"), so they run once; everything else is the median of 3 (full) and 5 (partial).
 * `KUBITO_BENCH_SYNC_SERVICES` (default `1000,10000`) picks the sizes. The cases that take
 * minutes (more than 2,000 Services through iptables-nft) run in sync-large.bench.ts, so each
 * file stays within the runner's 10 minutes per file.
 */
import { isSlowCase, runSyncCases } from './sync-cases.js';

await runSyncCases((variant, services) => !isSlowCase(variant, services), 's');
