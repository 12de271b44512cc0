/*
 * rt_blockcache.c — the block cache: pc → ir_block, open addressing,
 * lock-free lookups, QSBR reclamation (see rt_blockcache.h).
 *
 *   lookup:  tab (seq_cst load) ─► probe slots (acquire) ─► block
 *   insert:  mutex ─► already there? return it : store slot (release)
 *            half full ─► copy into a table twice as big, publish it,
 *                         retire the old array (not its blocks)
 *   flush:   mutex ─► publish an empty table, epoch++, retire the old
 *            table with its blocks at the new epoch
 *   reclaim: a retired item of epoch E is freed once every online
 *            reader's seen >= E (offline readers hold nothing)
 */
#include "runtime/rt_blockcache.h"

#include <pthread.h>
#include <stdlib.h>

typedef struct table {
    size_t cap;                  /* power of two */
    _Atomic(ir_block *) slots[]; /* NULL = empty; no deletions, so no tombstones */
} table;

/* Something replaced that a reader may still be using. */
typedef struct retired {
    struct retired *next;
    uint64_t epoch;   /* free once every online reader has seen it */
    table *tab;       /* an old table, or NULL */
    bool with_blocks; /* free the table's blocks too (flush) */
} retired;

struct rt_bcache {
    _Atomic(table *) tab;
    _Atomic uint64_t epoch;   /* starts at 1, +1 per flush or resize */
    _Atomic uint64_t flushes; /* the generation: +1 per flush */
    pthread_mutex_t mu;       /* writers, the reader list, the retired list */
    size_t count;
    retired *retired;
    rt_bcache_reader *readers;
};

#define INITIAL_CAP 1024

/* Guest pcs are 2-byte aligned and clustered; a multiplicative hash spreads
 * them over the table. */
static size_t slot_of(uint64_t pc, size_t cap) {
    return (size_t)((pc * 0x9e3779b97f4a7c15ull) >> 20) & (cap - 1);
}

static table *table_new(size_t cap) {
    table *t = calloc(1, sizeof *t + cap * sizeof t->slots[0]);
    if (t)
        t->cap = cap;
    return t;
}

static void table_free_blocks(table *t) {
    for (size_t i = 0; i < t->cap; i++) {
        ir_block *b = atomic_load_explicit(&t->slots[i], memory_order_relaxed);
        if (b)
            ir_block_free(b);
    }
}

rt_bcache *rt_bcache_new(void) {
    rt_bcache *c = calloc(1, sizeof *c);
    if (!c)
        return NULL;
    table *t = table_new(INITIAL_CAP);
    if (!t) {
        free(c);
        return NULL;
    }
    atomic_init(&c->tab, t);
    atomic_init(&c->epoch, 1);
    atomic_init(&c->flushes, 0);
    pthread_mutex_init(&c->mu, NULL);
    return c;
}

/* Frees the retired items no online reader can still see (under mu). */
static void reclaim(rt_bcache *c) {
    uint64_t min_seen = UINT64_MAX;
    for (rt_bcache_reader *r = c->readers; r; r = r->next) {
        uint64_t s = atomic_load_explicit(&r->seen, memory_order_seq_cst);
        if (s < min_seen)
            min_seen = s;
    }
    retired **link = &c->retired;
    while (*link) {
        retired *it = *link;
        if (it->epoch > min_seen) {
            link = &it->next;
            continue;
        }
        *link = it->next;
        if (it->with_blocks)
            table_free_blocks(it->tab);
        free(it->tab);
        free(it);
    }
}

/* Queues an item at epoch e (under mu); out of memory leaks it rather than
 * freeing memory a reader may be using. */
static void retire(rt_bcache *c, uint64_t e, table *t, bool with_blocks) {
    retired *it = malloc(sizeof *it);
    if (!it)
        return;
    *it = (retired){c->retired, e, t, with_blocks};
    c->retired = it;
}

void rt_bcache_flush(rt_bcache *c) {
    pthread_mutex_lock(&c->mu);
    table *old = atomic_load_explicit(&c->tab, memory_order_relaxed);
    table *nt = table_new(INITIAL_CAP);
    if (nt) {
        atomic_store_explicit(&c->tab, nt, memory_order_seq_cst);
        uint64_t e = atomic_fetch_add_explicit(&c->epoch, 1, memory_order_seq_cst) + 1;
        atomic_fetch_add_explicit(&c->flushes, 1, memory_order_release);
        retire(c, e, old, true);
        c->count = 0;
    }
    /* Without memory for a new table the stale blocks stay: the guest keeps
     * running its old code, which beats dying. */
    reclaim(c);
    pthread_mutex_unlock(&c->mu);
}

void rt_bcache_free(rt_bcache *c) {
    if (!c)
        return;
    pthread_mutex_lock(&c->mu);
    c->readers = NULL;
    table *t = atomic_load_explicit(&c->tab, memory_order_relaxed);
    retire(c, 0, t, true);
    reclaim(c);
    pthread_mutex_unlock(&c->mu);
    pthread_mutex_destroy(&c->mu);
    free(c);
}

ir_block *rt_bcache_lookup(const rt_bcache *c, uint64_t pc) {
    /* seq_cst (a plain load on x86-64) pairs with rt_bcache_online. */
    table *t = atomic_load_explicit(&((rt_bcache *)c)->tab, memory_order_seq_cst);
    for (size_t i = slot_of(pc, t->cap);; i = (i + 1) & (t->cap - 1)) {
        ir_block *b = atomic_load_explicit(&t->slots[i], memory_order_acquire);
        if (!b || b->pc == pc)
            return b;
    }
}

/* Finds pc in t (under mu). */
static ir_block *find_locked(table *t, uint64_t pc) {
    for (size_t i = slot_of(pc, t->cap);; i = (i + 1) & (t->cap - 1)) {
        ir_block *b = atomic_load_explicit(&t->slots[i], memory_order_relaxed);
        if (!b || b->pc == pc)
            return b;
    }
}

static void put(table *t, ir_block *b) {
    size_t i = slot_of(b->pc, t->cap);
    while (atomic_load_explicit(&t->slots[i], memory_order_relaxed))
        i = (i + 1) & (t->cap - 1);
    atomic_store_explicit(&t->slots[i], b, memory_order_release);
}

/* Inserts b (under mu); the cached block or NULL. */
static ir_block *insert_locked(rt_bcache *c, ir_block *b) {
    table *t = atomic_load_explicit(&c->tab, memory_order_relaxed);
    ir_block *have = find_locked(t, b->pc);
    if (have) {
        ir_block_free(b); /* never published */
        return have;
    }
    if (2 * (c->count + 1) > t->cap) {
        table *nt = table_new(t->cap * 2);
        if (!nt) {
            ir_block_free(b);
            return NULL;
        }
        for (size_t i = 0; i < t->cap; i++) {
            ir_block *old = atomic_load_explicit(&t->slots[i], memory_order_relaxed);
            if (old)
                put(nt, old);
        }
        atomic_store_explicit(&c->tab, nt, memory_order_seq_cst);
        /* Readers may still probe the old array: retire it at the current
         * epoch plus one, i.e. after everyone's next quiescent point. */
        uint64_t e = atomic_fetch_add_explicit(&c->epoch, 1, memory_order_seq_cst) + 1;
        retire(c, e, t, false);
        t = nt;
    }
    put(t, b);
    c->count++;
    return b;
}

ir_block *rt_bcache_insert(rt_bcache *c, ir_block *b) {
    pthread_mutex_lock(&c->mu);
    ir_block *r = insert_locked(c, b);
    if (c->retired)
        reclaim(c);
    pthread_mutex_unlock(&c->mu);
    return r;
}

ir_block *rt_bcache_insert_since(rt_bcache *c, ir_block *b, uint64_t gen) {
    pthread_mutex_lock(&c->mu);
    ir_block *r = NULL;
    if (atomic_load_explicit(&c->flushes, memory_order_relaxed) != gen)
        ir_block_free(b); /* decoded before a flush: maybe stale code */
    else
        r = insert_locked(c, b);
    if (c->retired)
        reclaim(c);
    pthread_mutex_unlock(&c->mu);
    return r;
}

uint64_t rt_bcache_generation(const rt_bcache *c) {
    return atomic_load_explicit(&((rt_bcache *)c)->flushes, memory_order_acquire);
}

size_t rt_bcache_count(const rt_bcache *c) {
    pthread_mutex_lock(&((rt_bcache *)c)->mu);
    size_t n = c->count;
    pthread_mutex_unlock(&((rt_bcache *)c)->mu);
    return n;
}

const ir_block **rt_bcache_blocks(const rt_bcache *c, size_t *n) {
    rt_bcache *m = (rt_bcache *)c;
    pthread_mutex_lock(&m->mu);
    table *t = atomic_load_explicit(&m->tab, memory_order_relaxed);
    const ir_block **v = m->count ? malloc(m->count * sizeof *v) : NULL;
    *n = 0;
    for (size_t i = 0; v && i < t->cap && *n < m->count; i++) {
        ir_block *b = atomic_load_explicit(&t->slots[i], memory_order_relaxed);
        if (b)
            v[(*n)++] = b;
    }
    pthread_mutex_unlock(&m->mu);
    return v;
}

rt_bcache_reader *rt_bcache_reader_new(rt_bcache *c) {
    rt_bcache_reader *r = calloc(1, sizeof *r);
    if (!r)
        return NULL;
    r->epoch = &c->epoch;
    r->cache = c;
    atomic_init(&r->seen, UINT64_MAX);
    pthread_mutex_lock(&c->mu);
    r->next = c->readers;
    c->readers = r;
    pthread_mutex_unlock(&c->mu);
    rt_bcache_online(r);
    return r;
}

void rt_bcache_reader_free(rt_bcache_reader *r) {
    if (!r)
        return;
    rt_bcache *c = r->cache;
    pthread_mutex_lock(&c->mu);
    for (rt_bcache_reader **link = &c->readers; *link; link = &(*link)->next) {
        if (*link == r) {
            *link = r->next;
            break;
        }
    }
    reclaim(c);
    pthread_mutex_unlock(&c->mu);
    free(r);
}

void rt_bcache_after_fork(rt_bcache *c, rt_bcache_reader *self) {
    pthread_mutex_t fresh = PTHREAD_MUTEX_INITIALIZER;
    c->mu = fresh;
    c->readers = self;
    if (self)
        self->next = NULL;
}

void rt_bcache_offline(rt_bcache_reader *r) {
    atomic_store_explicit(&r->seen, UINT64_MAX, memory_order_release);
}

/* seq_cst store, then lookups load the table seq_cst: a reclaimer that saw
 * this reader offline also published its new table before that, so the
 * reader cannot pick up a table that is being freed. */
void rt_bcache_online(rt_bcache_reader *r) {
    atomic_store_explicit(&r->seen, atomic_load_explicit(r->epoch, memory_order_seq_cst),
                          memory_order_seq_cst);
}
