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
 * Memory: two segments, each an arena of half the byte bound (entries packed back to back,
 * 8-byte aligned) with CACHE_BUCKETS chain heads and at most `max_entries` entries. Entries go
 * into the current segment; when it is full the other one is emptied and becomes current (a
 * two-generation cache: an entry lives for one to two segments' worth of inserts, and a hit in
 * the older segment copies the entry into the current one while it has room). So a working
 * set a little larger than one segment still mostly hits, where "start over when full" would
 * never hit on a cyclic scan of it. Arenas are malloc'd once at their full size; pages never
 * touched are not resident, so RSS follows what is used.
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
  uint32_t *buckets;
  unsigned char *arena;
  size_t used, cap;
  uint32_t entries;
} CacheSegment;

typedef struct {
  CacheSegment seg[2]; /* seg[cur] takes new entries */
  int cur;
  int on;
  uint32_t max_entries; /* per segment */
  uint32_t resets;      /* segments emptied because the current one was full */
} Cache;

static uint32_t cache_hash(const unsigned char *k, size_t n) {
  uint32_t h = 0x811c9dc5u;
  for (size_t i = 0; i < n; i++) h = (h ^ k[i]) * 0x01000193u;
  return h;
}

static void segment_clear(CacheSegment *g) {
  if (g->entries == 0) return;
  memset(g->buckets, 0, CACHE_BUCKETS * sizeof *g->buckets);
  g->used = 0;
  g->entries = 0;
}

static void cache_clear(Cache *c) {
  if (!c->on) return;
  segment_clear(&c->seg[0]);
  segment_clear(&c->seg[1]);
}

static void cache_free(Cache *c) {
  for (int i = 0; i < 2; i++) {
    free(c->seg[i].buckets);
    free(c->seg[i].arena);
  }
  memset(c, 0, sizeof *c);
}

static uint32_t cache_entries(const Cache *c) {
  return c->seg[0].entries + c->seg[1].entries;
}

static size_t cache_bytes(const Cache *c) {
  return c->seg[0].used + c->seg[1].used;
}

/* (Re)sizes the cache, dropping what it held: at most 2 x max_entries entries and max_bytes
 * bytes of entries. max_entries 0 or max_bytes < 128 KiB: off. Returns 0, or -1 when out of
 * memory (the cache is then off). */
static int cache_configure(Cache *c, uint32_t max_entries, size_t max_bytes) {
  cache_free(c);
  if (max_entries == 0 || max_bytes < 131072) return 0;
  if (max_bytes > ((size_t)512 << 20)) max_bytes = (size_t)512 << 20; /* offsets are 32-bit */
  for (int i = 0; i < 2; i++) {
    c->seg[i].buckets = calloc(CACHE_BUCKETS, sizeof *c->seg[i].buckets);
    c->seg[i].arena = malloc(max_bytes / 2);
    c->seg[i].cap = max_bytes / 2;
    if (!c->seg[i].buckets || !c->seg[i].arena) {
      cache_free(c);
      return -1;
    }
  }
  c->max_entries = max_entries;
  c->on = 1;
  return 0;
}

static const CacheEntry *segment_find(const CacheSegment *g, const unsigned char *key, size_t klen, uint32_t hash) {
  for (uint32_t ref = g->buckets[hash & (CACHE_BUCKETS - 1)]; ref; ) {
    const CacheEntry *e = (const CacheEntry *)(g->arena + (ref - 1));
    if (e->hash == hash && e->klen == klen && memcmp(e + 1, key, klen) == 0) return e;
    ref = e->next;
  }
  return NULL;
}

static size_t entry_size(size_t klen, size_t rlen) {
  return (sizeof(CacheEntry) + klen + rlen + 7) & ~(size_t)7;
}

static int segment_has_room(const Cache *c, const CacheSegment *g, size_t size) {
  return g->entries < c->max_entries && g->used + size <= g->cap;
}

static void segment_put(CacheSegment *g, const unsigned char *key, size_t klen, const unsigned char *reply, size_t rlen, int cls, uint32_t hash) {
  CacheEntry *e = (CacheEntry *)(g->arena + g->used);
  uint32_t *head = &g->buckets[hash & (CACHE_BUCKETS - 1)];
  e->next = *head;
  e->hash = hash;
  e->klen = (uint16_t)klen;
  e->rlen = (uint16_t)rlen;
  e->cls = (int16_t)cls;
  e->pad = 0;
  memcpy((unsigned char *)(e + 1), key, klen);
  memcpy((unsigned char *)(e + 1) + klen, reply, rlen);
  *head = (uint32_t)(g->used + 1);
  g->used += entry_size(klen, rlen);
  g->entries++;
}

static const unsigned char *cache_reply(const CacheEntry *e) {
  return (const unsigned char *)(e + 1) + e->klen;
}

/* The entry for `key`, or NULL. A hit in the older segment is copied into the current one
 * when that has room (never emptying a segment here: the entry returned must stay valid). */
static const CacheEntry *cache_find(Cache *c, const unsigned char *key, size_t klen, uint32_t hash) {
  if (!c->on || klen > CACHE_KEY_MAX) return NULL;
  CacheSegment *cur = &c->seg[c->cur];
  const CacheEntry *e = segment_find(cur, key, klen, hash);
  if (e) return e;
  e = segment_find(&c->seg[!c->cur], key, klen, hash);
  if (e && segment_has_room(c, cur, entry_size(e->klen, e->rlen))) {
    size_t at = cur->used;
    segment_put(cur, key, klen, cache_reply(e), e->rlen, e->cls, hash);
    return (const CacheEntry *)(cur->arena + at);
  }
  return e;
}

/* Keeps `reply` for `key`; returns 1, or 0 when already held or a length is out of bounds. */
static int cache_put(Cache *c, const unsigned char *key, size_t klen, const unsigned char *reply, size_t rlen, int cls) {
  if (!c->on || klen == 0 || klen > CACHE_KEY_MAX || rlen == 0 || rlen > UINT16_MAX || cls < 0 || cls >= CACHE_CLASSES) return 0;
  uint32_t hash = cache_hash(key, klen);
  if (cache_find(c, key, klen, hash)) return 0;
  size_t size = entry_size(klen, rlen);
  if (size > c->seg[0].cap) return 0;
  if (!segment_has_room(c, &c->seg[c->cur], size)) {
    c->cur = !c->cur;
    segment_clear(&c->seg[c->cur]);
    c->resets++;
  }
  segment_put(&c->seg[c->cur], key, klen, reply, rlen, cls, hash);
  return 1;
}
