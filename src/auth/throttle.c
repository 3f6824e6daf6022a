#include "auth/throttle.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#define SLOTS 8192
#define PROBES 16
#define KEYLEN 80

struct slot {
	char key[KEYLEN];
	int64_t start;
	int failures;
};

struct throttle {
	pthread_mutex_t lock;
	int limit;
	int window;
	struct slot slots[SLOTS];
};

struct throttle *throttle_new(int limit, int window_seconds)
{
	struct throttle *t = calloc(1, sizeof *t);
	if (!t)
		return NULL;
	pthread_mutex_init(&t->lock, NULL);
	t->limit = limit;
	t->window = window_seconds;
	return t;
}

void throttle_free(struct throttle *t)
{
	if (!t)
		return;
	pthread_mutex_destroy(&t->lock);
	free(t);
}

static uint32_t hash(const char *s)
{
	uint32_t h = 2166136261u; /* FNV-1a */
	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 16777619u;
	return h;
}

/* The slot of key, or NULL. With create, a free, expired or oldest slot. */
static struct slot *find(struct throttle *t, const char *key, int64_t now, int create)
{
	char k[KEYLEN];
	size_t n = strlen(key);
	if (n >= KEYLEN)
		n = KEYLEN - 1;
	memcpy(k, key, n);
	k[n] = '\0';
	uint32_t h = hash(k);
	struct slot *victim = NULL;
	int victim_free = 0;
	for (int i = 0; i < PROBES; i++) {
		struct slot *s = &t->slots[(h + (uint32_t)i) % SLOTS];
		if (s->key[0] && !strcmp(s->key, k))
			return s;
		int is_free = !s->key[0] || now - s->start >= t->window;
		if (is_free && !victim_free) {
			victim = s;
			victim_free = 1;
		} else if (!victim_free && (!victim || s->start < victim->start)) {
			victim = s;
		}
	}
	if (!create)
		return NULL;
	memset(victim, 0, sizeof *victim);
	memcpy(victim->key, k, n + 1);
	victim->start = now;
	return victim;
}

int throttle_check(struct throttle *t, const char *key, int64_t now)
{
	pthread_mutex_lock(&t->lock);
	struct slot *s = find(t, key, now, 0);
	int wait = 0;
	if (s && now - s->start < t->window && s->failures >= t->limit)
		wait = (int)(s->start + t->window - now);
	pthread_mutex_unlock(&t->lock);
	return wait;
}

void throttle_fail(struct throttle *t, const char *key, int64_t now)
{
	pthread_mutex_lock(&t->lock);
	struct slot *s = find(t, key, now, 1);
	if (now - s->start >= t->window) {
		s->start = now;
		s->failures = 0;
	}
	s->failures++;
	pthread_mutex_unlock(&t->lock);
}

void throttle_reset(struct throttle *t, const char *key)
{
	pthread_mutex_lock(&t->lock);
	struct slot *s = find(t, key, 0, 0);
	if (s)
		memset(s, 0, sizeof *s);
	pthread_mutex_unlock(&t->lock);
}
