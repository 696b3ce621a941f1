/*
 * The native answer cache of the DNS UDP transport (included by udp-mmsg.c only: one
 * translation unit, so scripts/build-native.js builds one source).
 *
 * Key: a query's bytes after its 2-byte ID (flags, counts, the question with its exact case,
 * the EDNS OPT record: everything the reply may depend on). Value: the reply bytes JS made for
 * that query, sent again with the new query's ID. JS decides what may be cached (server.ts:
 * authoritative answers and negative answers from cluster data only) and clears the cache on
 * every change of the data (`cache_clear`), so an entry never outlives what it was made from.
 *
 * Memory: one arena of at most `cap` bytes (entries packed back to back, 8-byte aligned) and
 * CACHE_BUCKETS chain heads; at most `max_entries` entries. When either bound would be passed
 * the cache starts over (as the JS answer cache does: answers are cheap to remake, the cache
 * is a hot set). The arena is malloc'd once at its full size; pages the kernel never had to
 * touch are not resident, so RSS follows what is used.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define CACHE_BUCKETS 16384 /* power of 2 */
#define CACHE_KEY_MAX 512   /* a query longer than this (after its ID) is never cached */
#define CACHE_CLASSES 256   /* metric classes JS may name (type x rcode x denial) */

typedef struct {
  uint32_t next; /* offset + 1 of the next entry of the chain; 0: none */
  uint32_t hash;
  uint16_t klen, rlen;
  int16_t cls; /* the metric class JS gave (0 <= cls < CACHE_CLASSES) */
  uint16_t pad;
  /* klen key bytes, then rlen reply bytes */
} CacheEntry;

typedef struct {
  uint32_t *buckets; /* NULL: the cache is off */
  unsigned char *arena;
  size_t used, cap;
  uint32_t entries, max_entries;
  uint32_t resets; /* started over because full */
} Cache;

static uint32_t cache_hash(const unsigned char *k, size_t n) {
  uint32_t h = 0x811c9dc5u;
  for (size_t i = 0; i < n; i++) h = (h ^ k[i]) * 0x01000193u;
  return h;
}

static void cache_clear(Cache *c) {
  if (!c->buckets || c->entries == 0) return;
  memset(c->buckets, 0, CACHE_BUCKETS * sizeof *c->buckets);
  c->used = 0;
  c->entries = 0;
}

static void cache_free(Cache *c) {
  free(c->buckets);
  free(c->arena);
  memset(c, 0, sizeof *c);
}

/* (Re)sizes the cache, dropping what it held; max_entries 0 or max_bytes < 64 KiB: off.
 * Returns 0, or -1 when out of memory (the cache is then off). */
static int cache_configure(Cache *c, uint32_t max_entries, size_t max_bytes) {
  cache_free(c);
  if (max_entries == 0 || max_bytes < 65536) return 0;
  if (max_bytes > ((size_t)256 << 20)) max_bytes = (size_t)256 << 20; /* offsets are 32-bit */
  c->buckets = calloc(CACHE_BUCKETS, sizeof *c->buckets);
  c->arena = malloc(max_bytes);
  if (!c->buckets || !c->arena) {
    cache_free(c);
    return -1;
  }
  c->cap = max_bytes;
  c->max_entries = max_entries;
  return 0;
}

static CacheEntry *cache_at(Cache *c, uint32_t ref) {
  return (CacheEntry *)(c->arena + (ref - 1));
}

static const CacheEntry *cache_find(Cache *c, const unsigned char *key, size_t klen, uint32_t hash) {
  if (!c->buckets || klen > CACHE_KEY_MAX) return NULL;
  for (uint32_t ref = c->buckets[hash & (CACHE_BUCKETS - 1)]; ref; ) {
    const CacheEntry *e = cache_at(c, ref);
    if (e->hash == hash && e->klen == klen && memcmp(e + 1, key, klen) == 0) return e;
    ref = e->next;
  }
  return NULL;
}

/* Keeps `reply` for `key` (no-op when already held, or either length is out of bounds). */
static void cache_put(Cache *c, const unsigned char *key, size_t klen, const unsigned char *reply, size_t rlen, int cls) {
  if (!c->buckets || klen == 0 || klen > CACHE_KEY_MAX || rlen == 0 || rlen > UINT16_MAX || cls < 0 || cls >= CACHE_CLASSES) return;
  uint32_t hash = cache_hash(key, klen);
  if (cache_find(c, key, klen, hash)) return;
  size_t size = (sizeof(CacheEntry) + klen + rlen + 7) & ~(size_t)7;
  if (size > c->cap) return;
  if (c->entries >= c->max_entries || c->used + size > c->cap) {
    cache_clear(c);
    c->resets++;
  }
  CacheEntry *e = (CacheEntry *)(c->arena + c->used);
  uint32_t *head = &c->buckets[hash & (CACHE_BUCKETS - 1)];
  e->next = *head;
  e->hash = hash;
  e->klen = (uint16_t)klen;
  e->rlen = (uint16_t)rlen;
  e->cls = (int16_t)cls;
  e->pad = 0;
  memcpy((unsigned char *)(e + 1), key, klen);
  memcpy((unsigned char *)(e + 1) + klen, reply, rlen);
  *head = (uint32_t)(c->used + 1);
  c->used += size;
  c->entries++;
}

static const unsigned char *cache_reply(const CacheEntry *e) {
  return (const unsigned char *)(e + 1) + e->klen;
}
