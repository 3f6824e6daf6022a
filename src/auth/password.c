#include "auth/password.h"
#include "base/secret.h"

#include <pthread.h>
#include <sodium.h>
#include <stdio.h>
#include <string.h>

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t cond = PTHREAD_COND_INITIALIZER;
static int running;

static void slot_take(void)
{
	pthread_mutex_lock(&lock);
	while (running >= PASSWORD_MAX_PARALLEL)
		pthread_cond_wait(&cond, &lock);
	running++;
	pthread_mutex_unlock(&lock);
}

static void slot_give(void)
{
	pthread_mutex_lock(&lock);
	running--;
	pthread_cond_signal(&cond);
	pthread_mutex_unlock(&lock);
}

int password_check_policy(const char *pw, struct wr_err *e)
{
	size_t n = strlen(pw);
	if (n < PASSWORD_MIN_LEN)
		return wr_err_set(e, WR_EINVAL, "password", "must be at least %d characters",
				  PASSWORD_MIN_LEN);
	if (n > PASSWORD_MAX_LEN)
		return wr_err_set(e, WR_EINVAL, "password", "must be at most %d characters",
				  PASSWORD_MAX_LEN);
	return 0;
}

int password_hash(const char *pw, char *out, size_t n, struct wr_err *e)
{
	char h[crypto_pwhash_STRBYTES];
	slot_take();
	int rc = crypto_pwhash_str_alg(h, pw, strlen(pw), crypto_pwhash_OPSLIMIT_INTERACTIVE,
				       crypto_pwhash_MEMLIMIT_INTERACTIVE, crypto_pwhash_ALG_ARGON2ID13);
	slot_give();
	if (rc != 0)
		return wr_err_set(e, WR_ENOMEM, "password", "cannot hash the password (out of memory)");
	if (snprintf(out, n, "%s", h) >= (int)n)
		return wr_err_set(e, WR_EINTERNAL, "password", "hash buffer too small");
	return 0;
}

int password_verify(const char *stored, const char *pw)
{
	if (strlen(pw) > PASSWORD_MAX_LEN)
		return 0;
	slot_take();
	int ok = crypto_pwhash_str_verify(stored, pw, strlen(pw)) == 0;
	slot_give();
	return ok;
}

static char dummy[crypto_pwhash_STRBYTES];

static void dummy_make(void)
{
	char pw[SECRET_TOKEN_LEN];
	secret_token(pw);
	if (password_hash(pw, dummy, sizeof dummy, NULL) != 0)
		dummy[0] = '\0'; /* verify then fails at once: only timing is lost */
	secret_wipe(pw, sizeof pw);
}

const char *password_dummy_hash(void)
{
	static pthread_once_t once = PTHREAD_ONCE_INIT;
	pthread_once(&once, dummy_make);
	return dummy;
}

void password_generate(char out[21])
{
	static const char set[] = "abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789";
	for (int i = 0; i < 20; i++)
		out[i] = set[randombytes_uniform(sizeof set - 1)];
	out[20] = '\0';
}
