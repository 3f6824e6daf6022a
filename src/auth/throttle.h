/* Login throttling, in memory, per key (a user name or a client address):
 * after `limit` failures within `window` seconds the key is refused until
 * the window ends. Thread-safe. The table is bounded: when full, the oldest
 * entry in the probe sequence gives way. */
#ifndef WR_AUTH_THROTTLE_H
#define WR_AUTH_THROTTLE_H

#include <stdint.h>

struct throttle;

struct throttle *throttle_new(int limit, int window_seconds);
void throttle_free(struct throttle *t);
/* 0 when the key may try now; else the seconds to wait (Retry-After). */
int throttle_check(struct throttle *t, const char *key, int64_t now);
void throttle_fail(struct throttle *t, const char *key, int64_t now);
void throttle_reset(struct throttle *t, const char *key);

#endif
