/* The pack check of `warroom sweep --iocs PACK` (see sweep_cli.h). */
#include "sweep/sweep_cli.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "ioc/pack.h"

int sweep_cli_check_pack(const char *path, const char *text, size_t len, const char *key_path,
			 struct wr_err *e)
{
	if (!pack_is_pack(text, len))
		return 0;
	if (!key_path || !*key_path)
		return wr_err_set(e, WR_EAUTH, NULL,
				  "is a warroom pack: give its public key with --pack-key FILE "
				  "or $WARROOM_PACK_KEY to check its signature");
	char key[PACK_LINE_MAX], sig[PACK_LINE_MAX], sig_path[4096];
	if (sweep_read_line(key_path, key))
		return wr_err_set(e, WR_EIO, NULL, "cannot read the pack key %s: %s", key_path,
				  strerror(errno));
	snprintf(sig_path, sizeof sig_path, "%s.sig", path);
	if (sweep_read_line(sig_path, sig))
		return wr_err_set(e, WR_EAUTH, NULL, "has no signature file %s: %s", sig_path,
				  strerror(errno));
	int rc = pack_verify(text, len, sig, key, e);
	return rc ? rc : 1;
}
